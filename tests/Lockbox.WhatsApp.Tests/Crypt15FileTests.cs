using System.Security.Cryptography;

namespace Lockbox.WhatsApp.Tests;

/// <summary>The file edge: real files in a temporary folder; on failure no output file and no leftovers.</summary>
public sealed class Crypt15FileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("lockbox-whatsapp-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void DecryptsFixtureFileWithKeyFileToOwnerOnlyFile()
    {
        Assert.True(Crypt15File.TryReadKeyFile(Fixtures.PathOf("encrypted_backup.key"), out WhatsAppKey? key, out string? error), error);
        using (key)
        {
            Crypt15Result result = Crypt15File.Decrypt(Fixtures.PathOf("msgstore.db.crypt15"), key!, PathOf("msgstore.db"), overwrite: false);
            Assert.True(result.Succeeded, result.Error);
        }
        Assert.Equal(Fixtures.DatabaseSha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(PathOf("msgstore.db")))));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PathOf("msgstore.db")));
        Assert.Equal(["msgstore.db"], Entries());
    }

    [Fact]
    public void WrongKeyLeavesNoOutputFile()
    {
        using WhatsAppKey key = WhatsAppKey.Import(RandomNumberGenerator.GetBytes(32));
        Crypt15Result result = Crypt15File.Decrypt(Fixtures.PathOf("msgstore.db.crypt15"), key, PathOf("msgstore.db"), overwrite: false);
        Assert.Equal(Crypt15Failure.WrongKey, result.Failure);
        Assert.Empty(Entries());
    }

    [Fact]
    public void DamagedFileLeavesNoOutputFileAndKeepsAnExistingOne()
    {
        byte[] damaged = Fixtures.Crypt15;
        damaged[1000] ^= 0xFF;
        File.WriteAllBytes(PathOf("damaged.crypt15"), damaged);
        File.WriteAllText(PathOf("msgstore.db"), "keep me");
        using WhatsAppKey key = Fixtures.Key();
        Crypt15Result result = Crypt15File.Decrypt(PathOf("damaged.crypt15"), key, PathOf("msgstore.db"), overwrite: true);
        Assert.Equal(Crypt15Failure.ChecksumMismatch, result.Failure);
        Assert.Equal("keep me", File.ReadAllText(PathOf("msgstore.db")));
        Assert.Equal(["damaged.crypt15", "msgstore.db"], Entries());
    }

    [Fact]
    public void ExistingOutputIsNotReplacedUnlessAsked()
    {
        File.WriteAllText(PathOf("msgstore.db"), "keep me");
        using WhatsAppKey key = Fixtures.Key();
        var error = Assert.Throws<IOException>(() => Crypt15File.Decrypt(Fixtures.PathOf("msgstore.db.crypt15"), key, PathOf("msgstore.db"), overwrite: false));
        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(PathOf("msgstore.db")));

        Assert.True(Crypt15File.Decrypt(Fixtures.PathOf("msgstore.db.crypt15"), key, PathOf("msgstore.db"), overwrite: true).Succeeded);
        Assert.Equal(Fixtures.DatabaseLength, new FileInfo(PathOf("msgstore.db")).Length);
    }

    [Fact]
    public void EncryptedFileDecryptsBackToTheDatabase()
    {
        byte[] database = RoundTripTests.FixtureDatabase();
        File.WriteAllBytes(PathOf("chat.db"), database);
        using WhatsAppKey key = Fixtures.Key();
        Crypt15Header header = Crypt15File.Encrypt(PathOf("chat.db"), key, PathOf("chat.db.crypt15"), overwrite: false);
        Assert.Equal(16, header.Iv.Length);

        Assert.True(Crypt15File.Decrypt(PathOf("chat.db.crypt15"), key, PathOf("back.db"), overwrite: false).Succeeded);
        Assert.Equal(database, File.ReadAllBytes(PathOf("back.db")));
        Assert.Throws<IOException>(() => Crypt15File.Encrypt(PathOf("chat.db"), key, PathOf("chat.db.crypt15"), overwrite: false));
    }

    [Fact]
    public void KeyFileOfWrongSizeIsRejected()
    {
        byte[] shortKey = Fixtures.Read("encrypted_backup.key")[..^2];
        shortKey[26] = 30;
        File.WriteAllBytes(PathOf("short.key"), shortKey);
        Assert.False(Crypt15File.TryReadKeyFile(PathOf("short.key"), out WhatsAppKey? key, out string? error));
        Assert.Null(key);
        Assert.Contains("30-byte key", error, StringComparison.Ordinal);

        File.WriteAllBytes(PathOf("big.key"), new byte[10_000]);
        Assert.False(Crypt15File.TryReadKeyFile(PathOf("big.key"), out _, out error));
        Assert.Contains("not an encrypted_backup.key", error, StringComparison.Ordinal);

        Assert.False(Crypt15File.TryReadKeyFile(PathOf("missing.key"), out _, out error));
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    private string[] Entries() => [.. _dir.EnumerateFileSystemInfos().Select(e => e.Name).Order(StringComparer.Ordinal)];
}
