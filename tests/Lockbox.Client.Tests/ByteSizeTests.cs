namespace Lockbox.Client.Tests;

/// <summary>The one size parser: KB/MB/GB are powers of 1000, KiB/MiB/GiB powers of 1024, whole numbers only.</summary>
public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("1000000", 1_000_000L)]
    [InlineData("800KiB", 819_200L)]
    [InlineData("800 KB", 800_000L)]
    [InlineData("5MiB", 5_242_880L)]
    [InlineData("5 MB", 5_000_000L)]
    [InlineData("5M", 5_000_000L)]
    [InlineData("1gib", 1_073_741_824L)]
    [InlineData("2G", 2_000_000_000L)]
    [InlineData("7B", 7L)]
    public void SizesAreReadInBytes(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out long bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("fast")]
    [InlineData("0")]
    [InlineData("-5MiB")]
    [InlineData("1.5MiB")]
    [InlineData("5 parsecs")]
    [InlineData("99999999999999999999")]
    [InlineData("9999999999999GiB")]
    public void NonsenseIsRefused(string? text) => Assert.False(ByteSize.TryParse(text, out _));
}
