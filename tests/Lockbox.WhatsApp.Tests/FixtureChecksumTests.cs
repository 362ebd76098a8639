using Lockbox.TestData;

namespace Lockbox.WhatsApp.Tests;

/// <summary>
/// testdata/whatsapp is exactly the wa-crypt-tools test files, unchanged (see its NOTICE.md). Checks the
/// repository's copy even when LOCKBOX_TEST_FIXTURES points the other tests elsewhere.
/// </summary>
public sealed class FixtureChecksumTests
{
    [Fact]
    public void FilesMatchTheirSha256Sums()
    {
        Assert.Empty(Sha256Sums.Problems(Path.Combine(Fixtures.InRepository, "whatsapp"), new HashSet<string>()));
    }

    [Fact]
    public void EveryFileTheTestsReadIsListed()
    {
        string[] listed = File.ReadAllLines(Path.Combine(Fixtures.InRepository, "whatsapp", "SHA256SUMS")).Select(line => line[66..]).ToArray();
        Assert.Equal(["encrypted_backup.key", "key", "msgstore.db.crypt14", "msgstore.db.crypt15"], listed);
    }
}
