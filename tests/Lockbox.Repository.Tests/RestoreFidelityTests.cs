using Lockbox.Cryptography;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Snapshot;
using Lockbox.Repository.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lockbox.Repository.Tests;

/// <summary>A restore gives back what was backed up: private file modes, the database's journal mode, media names and times.</summary>
public sealed class RestoreFidelityTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public async Task RestoredFilesAre0600InFoldersThe0700RestoreCreates()
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes only
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 2_000);
        ChatData.WriteMedia(f.Media, "WhatsApp Images/IMG-1.jpg", 70_000, seed: 2);
        ChatData.WriteMedia(f.Media, "top.opus", 10, seed: 3);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, f.Media, "phone"));

        string target = Path.Combine(f.NewFolder("new"), "phone", "restore");
        RestoreResult r = await repo.RestoreAsync("latest", target);

        Assert.Equal(Private, File.GetUnixFileMode(r.DatabasePath));
        string[] files = Directory.GetFiles(target, "*", SearchOption.AllDirectories);
        Assert.Equal(3, files.Length);
        foreach (string file in files) Assert.Equal(Private, File.GetUnixFileMode(file));
        foreach (string folder in Directory.GetDirectories(target, "*", SearchOption.AllDirectories).Append(target)
                     .Append(Path.GetDirectoryName(target)!).Append(f.NewFolder("new")))
            Assert.Equal(PrivateFolder, File.GetUnixFileMode(folder));
    }

    [Fact]
    public async Task AnExistingRestoreFolderKeepsItsModeAndOverwrittenFilesBecome0600()
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes only
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 500);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, null, "phone"));
        string target = f.NewFolder("shared");
        Directory.CreateDirectory(target);
        const UnixFileMode open = PrivateFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
        File.SetUnixFileMode(target, open);
        string old = Path.Combine(target, "msgstore.db");
        File.WriteAllText(old, "old");
        File.SetUnixFileMode(old, Private | UnixFileMode.OtherRead);

        await repo.RestoreAsync("latest", target, overwrite: true);

        Assert.Equal(open, File.GetUnixFileMode(target));
        Assert.Equal(Private, File.GetUnixFileMode(old));
    }

    [Fact]
    public async Task AWalDatabaseComesBackInWalMode()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 3_000);
        Assert.Equal("wal", JournalMode(db));
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, null, "phone"));

        RestoreResult r = await repo.RestoreAsync("latest", f.NewFolder("out"));

        Assert.False(File.Exists(r.DatabasePath + "-wal"));
        Assert.Equal("wal", JournalMode(r.DatabasePath));
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(r.DatabasePath));
    }

    [Fact]
    public async Task ARollbackJournalDatabaseComesBackInDeleteMode()
    {
        using var f = new Fixture();
        string db = Path.Combine(f.Source, "plain.db");
        using (var c = new SqliteConnection(ChatData.ConnectionString(db)))
        {
            c.Open();
            ChatData.Exec(c, "PRAGMA journal_mode=DELETE; CREATE TABLE t(x TEXT); INSERT INTO t VALUES ('hello');");
        }
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, null, "phone"));

        RestoreResult r = await repo.RestoreAsync("latest", f.NewFolder("out"));

        Assert.Equal("delete", JournalMode(r.DatabasePath));
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(r.DatabasePath));
    }

    [Fact]
    public async Task MediaFilesGetBackTheirModificationTimes()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 500);
        ChatData.WriteMedia(f.Media, "WhatsApp Images/IMG-20200101.jpg", 5_000, seed: 2);
        ChatData.WriteMedia(f.Media, "WhatsApp Video/VID-20240229.mp4", 2_000_000, seed: 3);
        var times = new Dictionary<string, DateTime>
        {
            ["WhatsApp Images/IMG-20200101.jpg"] = new(2020, 1, 1, 8, 30, 15, 123, DateTimeKind.Utc),
            ["WhatsApp Video/VID-20240229.mp4"] = new DateTime(2024, 2, 29, 23, 59, 59, DateTimeKind.Utc).AddTicks(4567),
        };
        foreach (var (path, time) in times) File.SetLastWriteTimeUtc(Path.Combine(f.Media, path), time);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, f.Media, "phone"));

        string target = f.NewFolder("out");
        await repo.RestoreAsync("latest", target);

        foreach (var (path, time) in times)
            Assert.Equal(time, File.GetLastWriteTimeUtc(Path.Combine(target, "media", path)));
    }

    [Fact]
    public async Task TheMediaFolderComesBackUnderItsOwnNameAndCase()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 500);
        string media = Path.Combine(f.Source, "Media");
        byte[] photo = ChatData.WriteMedia(media, "WhatsApp Images/IMG-1.jpg", 9_000, seed: 2);
        await using var repo = await f.InitAsync();
        await repo.BackupAsync(new BackupSource(db, media + Path.DirectorySeparatorChar, "phone"));

        string target = f.NewFolder("out");
        RestoreResult r = await repo.RestoreAsync("latest", target);

        Assert.Equal(1, r.MediaFiles);
        Assert.Equal(["Media", "msgstore.db"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(photo, await File.ReadAllBytesAsync(Path.Combine(target, "Media", "WhatsApp Images", "IMG-1.jpg")));
    }

    [Fact]
    public void ASnapshotNamedMediaOrWithoutMediaIsEncodedAsBeforeAndOthersCarryTheName()
    {
        using var key = BackupKey.Generate();
        using var keys = new RepositoryKeys(key);
        keys.BindRepository(new byte[16]);
        SnapshotManifest plain = Manifest(null);
        byte[] PayloadOf(SnapshotManifest m) => MetadataEnvelope.Open(keys, FormatConstants.TypeSnapshot, m.Encode(keys), FormatConstants.SnapshotVersionWithDeltas, out _);
        int before = PayloadOf(plain).Length;
        Assert.Equal(before, PayloadOf(Manifest("media")).Length);
        Assert.Equal(before + 4 + 5, PayloadOf(Manifest("Media")).Length);
        Assert.Equal("media", SnapshotManifest.Decode(keys, plain.Encode(keys)).MediaFolder);
        Assert.Equal("Media", SnapshotManifest.Decode(keys, Manifest("Media").Encode(keys)).MediaFolder);
        foreach (string bad in new[] { "..", ".", "a/b", "a\\b", "x\0", "msgstore.db" })
        {
            var e = Assert.Throws<CorruptDataException>(() => SnapshotManifest.Decode(keys, Manifest(bad).Encode(keys)));
            Assert.Equal("snapshot media folder name is unsafe", e.Message);
        }
    }

    private static SnapshotManifest Manifest(string? mediaFolder) =>
        new(1, default, 1, "phone", "msgstore.db", 0, 4096, 4096, 0, [], 0, 0, 0, [], 0, 0, MediaFolderName: mediaFolder);

    private static string JournalMode(string db)
    {
        using var c = new SqliteConnection(ChatData.ConnectionString(db));
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        return (string)cmd.ExecuteScalar()!;
    }
}
