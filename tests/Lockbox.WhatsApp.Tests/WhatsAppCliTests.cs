using System.Security.Cryptography;
using System.Text.Json;

namespace Lockbox.WhatsApp.Tests;

/// <summary>
/// <c>lockbox whatsapp decrypt | encrypt | import</c> end to end, through the real program: exit
/// codes, one-line errors, and no output file on any failure.
/// </summary>
public sealed class WhatsAppCliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("lockbox-whatsapp-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private string Home => PathOf("home");

    private Task<LockboxProcess.Result> Lockbox(params string[] args) => LockboxProcess.RunAsync(Home, args);

    private static string Crypt15 => Fixtures.PathOf("msgstore.db.crypt15");

    private static string KeyFile => Fixtures.PathOf("encrypted_backup.key");

    private static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public async Task DecryptWithKeyFileAndWithDigitsGivesTheDatabase()
    {
        LockboxProcess.Result a = await Lockbox("whatsapp", "decrypt", Crypt15, "--key-file", KeyFile, "--out", PathOf("a.db"));
        a.AssertSuccess();
        Assert.Contains("authenticated and checksum verified", a.Out, StringComparison.Ordinal);
        Assert.Equal(Fixtures.DatabaseSha256, Sha256Of(PathOf("a.db")));

        (await Lockbox("whatsapp", "decrypt", Crypt15, "--key", Fixtures.KeyDigits.ToUpperInvariant(), "--out", PathOf("b.db"))).AssertSuccess();
        Assert.Equal(Fixtures.DatabaseSha256, Sha256Of(PathOf("b.db")));
    }

    [Fact]
    public async Task WrongKeyExitsWithWrongKeyAndNoOutputFile()
    {
        string wrong = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        (await Lockbox("whatsapp", "decrypt", Crypt15, "--key", wrong, "--out", PathOf("out.db"))).AssertOneLineFailure(3, "wrong key");
        Assert.Equal([], _dir.EnumerateFileSystemInfos().Select(e => e.Name).Where(n => n != "home"));
    }

    [Fact]
    public async Task DamagedFilesExitAsDamagedWithNoOutputFile()
    {
        byte[] original = Fixtures.Crypt15;
        var cases = new Dictionary<string, byte[]>
        {
            ["truncated"] = original[..200_000],
            ["bad-md5"] = Flip(original, original.Length - 1),
            ["header-byte"] = Flip(original, 30),
            ["body-byte"] = Flip(original, 100_000),
        };
        foreach ((string name, byte[] bytes) in cases)
        {
            File.WriteAllBytes(PathOf(name + ".crypt15"), bytes);
            LockboxProcess.Result result = await Lockbox("whatsapp", "decrypt", PathOf(name + ".crypt15"), "--key-file", KeyFile, "--out", PathOf(name + ".db"));
            result.AssertOneLineFailure(5, "damaged");
            Assert.False(File.Exists(PathOf(name + ".db")), name);
        }
        File.WriteAllBytes(PathOf("tiny.crypt15"), original[..50]);
        (await Lockbox("whatsapp", "decrypt", PathOf("tiny.crypt15"), "--key-file", KeyFile, "--out", PathOf("tiny.db"))).AssertOneLineFailure(5, "truncated");
        Assert.Empty(_dir.EnumerateFiles("*.db*"));
        Assert.Empty(_dir.EnumerateFiles("*.partial"));
    }

    [Fact]
    public async Task KeyProblemsAreUsageErrors()
    {
        byte[] shortKey = Fixtures.Read("encrypted_backup.key")[..^1];
        shortKey[26] = 31;
        File.WriteAllBytes(PathOf("short.key"), shortKey);
        (await Lockbox("whatsapp", "decrypt", Crypt15, "--key-file", PathOf("short.key"), "--out", PathOf("x.db"))).AssertOneLineFailure(2, "31-byte key");
        (await Lockbox("whatsapp", "decrypt", Crypt15, "--key", "12345", "--out", PathOf("x.db"))).AssertOneLineFailure(2, "5 digits, not 64");
        (await Lockbox("whatsapp", "decrypt", Crypt15, "--key", Fixtures.KeyDigits, "--key-file", KeyFile, "--out", PathOf("x.db"))).AssertOneLineFailure(2, "not both");
        (await Lockbox("whatsapp", "decrypt", Crypt15, "--out", PathOf("x.db"))).AssertOneLineFailure(2, "No key");
        Assert.False(File.Exists(PathOf("x.db")));
    }

    [Fact]
    public async Task ExistingOutputIsKeptWithoutForce()
    {
        File.WriteAllText(PathOf("out.db"), "keep me");
        (await Lockbox("whatsapp", "decrypt", Crypt15, "--key-file", KeyFile, "--out", PathOf("out.db"))).AssertOneLineFailure(9, "--force");
        Assert.Equal("keep me", File.ReadAllText(PathOf("out.db")));
        (await Lockbox("whatsapp", "decrypt", Crypt15, "--key-file", KeyFile, "--out", PathOf("out.db"), "--force")).AssertSuccess();
        Assert.Equal(Fixtures.DatabaseSha256, Sha256Of(PathOf("out.db")));
    }

    [Fact]
    public async Task EncryptThenDecryptThroughTheCommandLine()
    {
        File.WriteAllBytes(PathOf("chat.db"), RoundTripTests.FixtureDatabase());
        LockboxProcess.Result encrypt = await Lockbox("whatsapp", "encrypt", PathOf("chat.db"), "--key", Fixtures.KeyDigits, "--out", PathOf("chat.db.crypt15"), "--header-from", Crypt15);
        encrypt.AssertSuccess();
        Assert.True(Crypt15Reader.TryReadHeader(File.ReadAllBytes(PathOf("chat.db.crypt15")), out Crypt15Header? header, out _));
        Assert.Equal("67", header!.JidSuffix); // copied from --header-from

        (await Lockbox("whatsapp", "decrypt", PathOf("chat.db.crypt15"), "--key-file", KeyFile, "--out", PathOf("back.db"))).AssertSuccess();
        Assert.Equal(Fixtures.DatabaseSha256, Sha256Of(PathOf("back.db")));
        (await Lockbox("whatsapp", "encrypt", PathOf("chat.db"), "--key", Fixtures.KeyDigits, "--out", PathOf("chat.db.crypt15"))).AssertOneLineFailure(9, "already exists");
    }

    [Fact]
    public async Task Crypt14DecryptsWithItsKeyFile()
    {
        (await Lockbox("whatsapp", "decrypt", Fixtures.PathOf("msgstore.db.crypt14"), "--key-file", Fixtures.PathOf("key"), "--out", PathOf("c14.db"))).AssertSuccess();
        Assert.Equal(Fixtures.DatabaseSha256, Sha256Of(PathOf("c14.db")));
        (await Lockbox("whatsapp", "decrypt", Fixtures.PathOf("msgstore.db.crypt14"), "--key", Fixtures.KeyDigits, "--out", PathOf("x.db"))).AssertOneLineFailure(3, "crypt14");
    }

    [Fact]
    public async Task ImportBacksTheDatabaseUpAndRestoresIt()
    {
        (await Lockbox("init", "--repo", PathOf("repo"))).AssertSuccess();
        string wrong = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        (await Lockbox("whatsapp", "import", Crypt15, "--key", wrong, "--repo", PathOf("repo"))).AssertOneLineFailure(3, "wrong key");

        LockboxProcess.Result import = await Lockbox("whatsapp", "import", Crypt15, "--key-file", KeyFile, "--repo", PathOf("repo"), "--json");
        import.AssertSuccess();
        // JSON lines: progress lines, then the summary last.
        using (JsonDocument json = JsonDocument.Parse(import.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]))
        {
            Assert.Equal("summary", json.RootElement.GetProperty("messageType").GetString());
            Assert.Equal("msgstore.db", json.RootElement.GetProperty("database").GetString());
            Assert.Equal(Fixtures.DatabaseLength, json.RootElement.GetProperty("databaseBytes").GetInt64());
            Assert.Equal(1, json.RootElement.GetProperty("sequence").GetInt64());
        }

        (await Lockbox("restore", "--repo", PathOf("repo"), "--to", PathOf("restored"))).AssertSuccess();
        byte[] restored = File.ReadAllBytes(Path.Combine(PathOf("restored"), "msgstore.db"));
        byte[] original = RoundTripTests.FixtureDatabase();
        Assert.Equal(original.Length, restored.Length);
        // SQLite's online backup (how the engine reads a live database) rewrites only header
        // bookkeeping (change counter, schema cookie, version fields) in the first 100 bytes.
        Assert.Equal(original[100..], restored[100..]);
    }

    private static byte[] Flip(byte[] file, int offset)
    {
        byte[] copy = (byte[])file.Clone();
        copy[offset] ^= 0x01;
        return copy;
    }
}
