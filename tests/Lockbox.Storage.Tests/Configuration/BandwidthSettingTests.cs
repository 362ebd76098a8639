using Lockbox.Client.Stores;
using Lockbox.Repository.Storage;

namespace Lockbox.Storage.Tests.Configuration;

/// <summary>LOCKBOX_BANDWIDTH_LIMIT, the one knob a user of the CLI has over the cloud stores' rate.</summary>
public sealed class BandwidthSettingTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("1000000", 1_000_000L)]
    [InlineData("800KiB", 819_200L)]
    [InlineData("5MiB", 5_242_880L)]
    [InlineData("5 MB", 5_000_000L)]
    [InlineData("1gib", 1_073_741_824L)]
    public void TheLimitIsReadInBytesPerSecond(string? value, long? expected) =>
        Assert.Equal(expected, StoreLocator.BandwidthFrom(v => v == StoreLocator.BandwidthVariable ? value : null));

    [Theory]
    [InlineData("fast")]
    [InlineData("0")]
    [InlineData("-5MiB")]
    [InlineData("1.5MiB")]
    [InlineData("5 parsecs")]
    [InlineData("99999999999999999999")]
    public void ANonsenseLimitIsRefusedWithOneLine(string value)
    {
        var error = Assert.Throws<BlobStoreException>(() => StoreLocator.BandwidthFrom(_ => value));
        Assert.Equal($"LOCKBOX_BANDWIDTH_LIMIT must be a whole number of bytes per second, optionally with KiB, MiB or GiB (e.g. 5MiB), not '{value}'.", error.Message);
    }
}
