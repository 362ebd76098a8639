using System.Security.Cryptography;
using Lockbox.Cryptography;
using Lockbox.Repository.Storage;
using Lockbox.Repository.Tests.Support;

namespace Lockbox.Repository.Tests;

/// <summary>Repositories written by earlier format versions (golden copies under testdata/) still restore byte for byte.</summary>
public sealed class CompatibilityTests
{
    private static string Golden(string version) => Path.Combine(AppContext.BaseDirectory, "testdata", version);

    [Fact]
    public async Task Version1GoldenRepositoryRestoresEverySnapshotExactly()
    {
        string golden = Golden("v1");
        using var folder = new TestFolder();
        // Work on a copy: opening or restoring must not need to write, but the golden files are never touched either way.
        string repoCopy = Path.Combine(folder.Path, "repo");
        CopyTree(Path.Combine(golden, "repo"), repoCopy);
        using var key = BackupKey.Import(Convert.FromHexString(File.ReadAllText(Path.Combine(golden, "key.hex")).Trim()));
        var expected = File.ReadAllLines(Path.Combine(golden, "expected.txt")).Select(l => l.Split(' ')).ToList();

        await using var repo = await BackupRepository.OpenAsync(new FolderBlobStore(repoCopy), key);
        var snapshots = await repo.ListSnapshotsAsync();
        Assert.Equal(2, snapshots.Count);
        var actual = new List<string[]>();
        foreach (SnapshotSummary s in snapshots)
        {
            string target = Path.Combine(folder.Path, "out" + s.Sequence);
            await repo.RestoreAsync(s.Id, target);
            foreach (string file in Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                actual.Add([s.Id, Path.GetRelativePath(target, file).Replace('\\', '/'), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)))]);
        }
        Assert.Equal(expected.Select(e => string.Join(' ', e)), actual.Select(a => string.Join(' ', a)));
        Assert.Empty((await repo.VerifyAsync(readData: true)).Problems);
    }

    [Fact]
    public async Task BackupIntoAVersion1RepositoryKeepsItReadableByVersion1Readers()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 20_000);
        await using var repo = await FormatVersion1.InitAsync(f);
        await repo.BackupAsync(new BackupSource(db, null));
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection(ChatData.ConnectionString(db)))
        {
            c.Open();
            ChatData.Exec(c, "UPDATE messages SET sent = sent + 1 WHERE id % 40 = 0");
        }
        SnapshotSummary s = await repo.BackupAsync(new BackupSource(db, null));
        Assert.Equal(0, s.DeltaBlocks);
        Assert.Equal(1, File.ReadAllBytes(f.StoredPath("config"))[13]);
        // Every snapshot object keeps envelope version 1, so a version 1 reader opens all of them.
        Assert.All(f.StoredFiles("snapshots/"), n => Assert.Equal(1, File.ReadAllBytes(f.StoredPath(n))[0]));
        RestoreResult r = await repo.RestoreAsync("latest", f.NewFolder("out"));
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(r.DatabasePath));
    }

    [Fact]
    public async Task NewRepositoriesAreFormatVersion2()
    {
        using var f = new Fixture();
        await (await f.InitAsync()).DisposeAsync();
        Assert.Equal(2, File.ReadAllBytes(f.StoredPath("config"))[13]);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
