using Lockbox.WhatsApp.Protobuf;

namespace Lockbox.WhatsApp.Tests;

/// <summary>The minimal protobuf wire reader/writer behind the crypt15 header.</summary>
public sealed class ProtobufTests
{
    [Fact]
    public void WriterProducesTheWireBytesOfTheSpec()
    {
        // protobuf.dev "Encoding": field 1 = 150 is 08 96 01; field 2 = "testing" is 12 07 74 65 73 74 69 6e 67.
        var writer = new ProtoWriter();
        writer.WriteVarintField(1, 150);
        writer.WriteBytesField(2, "testing"u8);
        writer.WriteVarintField(37, 1);
        Assert.Equal("089601120774657374696e67a80201", Convert.ToHexStringLower(writer.ToArray()));
    }

    [Fact]
    public void ReaderReadsWhatTheWriterWrote()
    {
        var writer = new ProtoWriter();
        writer.WriteVarintField(1, ulong.MaxValue);
        writer.WriteBytesField(3, [1, 2, 3]);
        var reader = new ProtoReader(writer.ToArray());
        reader.ReadTag(out int field, out WireType type);
        Assert.Equal((1, WireType.Varint), (field, type));
        Assert.Equal(ulong.MaxValue, reader.ReadVarint());
        reader.ReadTag(out field, out type);
        Assert.Equal((3, WireType.LengthDelimited), (field, type));
        Assert.Equal(new byte[] { 1, 2, 3 }, reader.ReadLengthDelimited().ToArray());
        Assert.True(reader.AtEnd);
    }

    [Theory]
    [InlineData("ffffffffffffffffffff01")] // 11-byte varint
    [InlineData("ffffffffffffffffff02")]   // overflows 64 bits
    [InlineData("80")]                     // ends inside a varint
    public void BadVarintIsAFormatError(string hex)
    {
        Assert.Throws<FormatException>(() => new ProtoReader(Convert.FromHexString(hex)).ReadVarint());
    }

    [Fact]
    public void LengthPastTheEndIsAFormatError()
    {
        // field 1, length 5, but only 3 bytes follow
        Assert.Throws<FormatException>(() =>
        {
            var reader = new ProtoReader(Convert.FromHexString("0a05010203"));
            reader.ReadTag(out _, out _);
            reader.ReadLengthDelimited();
        });
    }

    [Fact]
    public void FieldNumberZeroIsAFormatError()
    {
        Assert.Throws<FormatException>(() => new ProtoReader([0x00]).ReadTag(out _, out _));
    }

    [Fact]
    public void GroupsAreNotSupported()
    {
        Assert.Throws<FormatException>(() => new ProtoReader([0x0B]).Skip(WireType.StartGroup));
    }
}
