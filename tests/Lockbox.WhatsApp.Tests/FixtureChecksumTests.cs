using Lockbox.TestData;

namespace Lockbox.WhatsApp.Tests;

/// <summary>testdata/whatsapp is exactly the wa-crypt-tools test files, unchanged (see its NOTICE.md).</summary>
public sealed class FixtureChecksumTests
{
    [Fact]
    public void FilesMatchTheirSha256Sums()
    {
        Assert.Empty(Sha256Sums.Problems(Path.Combine(Fixtures.Directory, "whatsapp"), new HashSet<string>()));
    }

    [Fact]
    public void EveryFileTheTestsReadIsListed()
    {
        string[] listed = File.ReadAllLines(Fixtures.PathOf("SHA256SUMS")).Select(line => line[66..]).ToArray();
        Assert.Equal(["encrypted_backup.key", "key", "msgstore.db.crypt14", "msgstore.db.crypt15"], listed);
    }
}
