using System.Security.Cryptography;
using System.Text.Json;
using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>Issue 13: restore --include, and a restore that goes on past a damaged pack and names exactly what it could not restore.</summary>
public sealed class PartialRestoreTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    private async Task<GeneratedChat> BackedUpAsync()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        GeneratedChat chat = _w.MakeChat(mediaBytes: 6L << 20);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory)).AssertSuccess();
        return chat;
    }

    private IEnumerable<string> Packs() => Directory.EnumerateFiles(Path.Combine(_w.Repository, "data"), "*", SearchOption.AllDirectories);

    private static void CopyMedia(string from, string to, string relative)
    {
        string target = Path.Combine(to, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(Path.Combine(from, relative), target);
        File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(Path.Combine(from, relative)));
    }

    private static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static List<string> MediaOf(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task IncludeRestoresTheDatabaseAndOnlyTheMatchingMedia()
    {
        GeneratedChat chat = await BackedUpAsync();
        List<string> all = MediaOf(chat.MediaDirectory);
        Assert.True(all.Count >= 2);
        string pick = all[0];
        string target = _w.PathOf("out");
        (await _w.RunAsync("restore", "--repo", _w.Repository, "--to", target, "--include", pick)).AssertSuccess();
        string media = Path.Combine(target, ChatGenerator.MediaFolderName);
        Assert.Equal([pick], MediaOf(media));
        Assert.Equal(Hash(Path.Combine(chat.MediaDirectory, pick)), Hash(Path.Combine(media, pick)));
        Assert.True(File.Exists(Path.Combine(target, ChatGenerator.DatabaseFileName)));

        // A glob on the file name, at any depth; --media-only leaves the database out.
        string extension = Path.GetExtension(pick);
        string second = _w.PathOf("out2");
        (await _w.RunAsync("restore", "--repo", _w.Repository, "--to", second, "--include", "*" + extension, "--media-only")).AssertSuccess();
        Assert.Equal(all.Where(p => p.EndsWith(extension, StringComparison.Ordinal)), MediaOf(Path.Combine(second, ChatGenerator.MediaFolderName)));
        Assert.False(File.Exists(Path.Combine(second, ChatGenerator.DatabaseFileName)));
    }

    [Fact]
    public async Task RestoreGoesOnPastADamagedPackAndNamesExactlyWhatIsMissing()
    {
        // Two backups, the second adding media: its new pack is the one damaged, the first backup's packs stay intact.
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        GeneratedChat source = _w.MakeChat(mediaBytes: 6L << 20);
        List<string> files = MediaOf(source.MediaDirectory);
        Assert.True(files.Count >= 2);
        string mediaDir = Path.Combine(_w.PathOf("copy"), ChatGenerator.MediaFolderName);
        foreach (string f in files.Take(files.Count / 2)) CopyMedia(source.MediaDirectory, mediaDir, f);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", source.DatabasePath, "--media", mediaDir)).AssertSuccess();
        var firstPacks = Packs().ToHashSet(StringComparer.Ordinal);
        foreach (string f in files.Skip(files.Count / 2)) CopyMedia(source.MediaDirectory, mediaDir, f);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", source.DatabasePath, "--media", mediaDir)).AssertSuccess();
        GeneratedChat chat = source with { MediaDirectory = mediaDir };
        string victim = Packs().Where(p => !firstPacks.Contains(p)).OrderByDescending(f => new FileInfo(f).Length).First();
        byte[] bytes = File.ReadAllBytes(victim);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(victim, bytes);
        string victimName = Path.GetRelativePath(_w.Repository, victim).Replace('\\', '/');

        string target = _w.PathOf("out");
        CliResult restore = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", target, "--json");
        Assert.Equal(16, restore.ExitCode);
        restore.AssertNoStackTrace();
        // With --json: the summary (what came back, what is missing) on stdout, one error line with the code on stderr.
        JsonElement error = Assert.Single(restore.JsonErrorLines());
        Assert.Equal(16, error.GetProperty("code").GetInt32());
        Assert.StartsWith("restore incomplete", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        JsonElement json = restore.Summary();
        var missing = json.GetProperty("missing").EnumerateArray().ToList();
        Assert.NotEmpty(missing);
        Assert.True(missing.Count < files.Count, "the first backup's media must come back");
        Assert.All(missing, m => Assert.Equal([victimName], m.GetProperty("objects").EnumerateArray().Select(o => o.GetString())));
        var missingPaths = missing.Select(m => m.GetProperty("path").GetString()!).ToHashSet(StringComparer.Ordinal);

        // Every file not reported missing is restored byte for byte; every reported one is absent (never half-written),
        // and nothing else is left in the folder (no temporary files).
        string media = Path.Combine(target, ChatGenerator.MediaFolderName);
        foreach (string path in MediaOf(chat.MediaDirectory))
        {
            string restored = Path.Combine(media, path);
            if (missingPaths.Contains(ChatGenerator.MediaFolderName + "/" + path)) Assert.False(File.Exists(restored), restored);
            else Assert.Equal(Hash(Path.Combine(chat.MediaDirectory, path)), Hash(restored));
        }
        string db = Path.Combine(target, ChatGenerator.DatabaseFileName);
        if (missingPaths.Contains(ChatGenerator.DatabaseFileName))
        {
            Assert.False(File.Exists(db));
            JsonElement entry = missing.Single(m => m.GetProperty("path").GetString() == ChatGenerator.DatabaseFileName);
            Assert.NotEmpty(entry.GetProperty("pages").EnumerateArray());
        }
        else
        {
            string noMedia = _w.PathOf("none");
            Directory.CreateDirectory(noMedia);
            Assert.Empty(ChatComparer.Compare(chat.DatabasePath, db, noMedia, noMedia, out _, out _));
        }
        // (the comparison above opened the restored database, which is in WAL mode: its -wal/-shm are SQLite's, not the restore's)
        int expectedFiles = 1 + MediaOf(chat.MediaDirectory).Count - missingPaths.Count;
        Assert.Equal(expectedFiles, Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Count(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal)));

        // The text form names the same files.
        CliResult text = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", _w.PathOf("out2"));
        Assert.Equal(16, text.ExitCode);
        foreach (string path in missingPaths) Assert.Contains("missing: " + path, text.Out, StringComparison.Ordinal);
    }
}
