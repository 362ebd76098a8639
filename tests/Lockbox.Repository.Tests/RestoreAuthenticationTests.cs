using Lockbox.Repository.Engine;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;
using Lockbox.Repository.Format.Pack;
using Lockbox.Repository.Tests.Support;

namespace Lockbox.Repository.Tests;

/// <summary>
/// A restore does not hash whole packs (FORMAT.md section 11, reader step 3): it authenticates every byte it uses by the
/// header pinned to the index, each blob's AEAD tag and keyed id. So a changed byte in a blob it needs is still damage
/// named by its pack, a changed byte elsewhere in the pack no longer stops it, and <c>verify --read-data</c> still
/// reports the pack.
/// </summary>
public sealed class RestoreAuthenticationTests
{
    [Fact]
    public async Task AChangedByteStopsTheRestoreOnlyWhereTheRestoreUsesItAndVerifyStillReportsThePack()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 20_000);
        ChatData.WriteMedia(f.Media, "photo.jpg", 300_000, 1);
        await using (var repo = await f.InitAsync()) await repo.BackupAsync(new BackupSource(db, f.Media));

        // The one pack holds the database's blocks and the photo's piece (a small backup fills one pack).
        var (pack, photo) = await PackWithMediaPieceAsync(f);
        string path = f.StoredPath(pack.Name);
        byte[] original = await File.ReadAllBytesAsync(path);
        byte[] changed = [.. original];
        changed[photo.Offset + photo.SealedLength / 2] ^= 0x01;
        await File.WriteAllBytesAsync(path, changed);

        await using var reopened = await f.OpenAsync();
        string dbOnly = f.NewFolder("db-only");
        await reopened.RestoreAsync("latest", dbOnly, databaseOnly: true);
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(Path.Combine(dbOnly, "msgstore.db")));

        string full = f.NewFolder("full");
        var error = await Assert.ThrowsAsync<RepositoryDamagedException>(() => reopened.RestoreAsync("latest", full));
        Assert.Equal(pack.Name, error.ObjectName);
        Assert.Contains("failed authentication", error.Problem);
        Assert.DoesNotContain(Fixture.FilesIn(full), p => p.EndsWith("photo.jpg", StringComparison.Ordinal));

        VerifyReport report = await reopened.VerifyAsync(readData: true);
        Assert.Contains(report.Problems, p => p.ObjectName == pack.Name && p.Problem == "content does not match its name (tampered, truncated or swapped)");

        // The header's length, the salt and the sealed header: each changed byte is damage named by the pack, never an exception.
        foreach (int at in new[] { original.Length - 1, 0, original.Length - 8 })
        {
            changed = [.. original];
            changed[at] ^= 0x80;
            await File.WriteAllBytesAsync(path, changed);
            string target = f.NewFolder($"at-{at}");
            error = await Assert.ThrowsAsync<RepositoryDamagedException>(() => reopened.RestoreAsync("latest", target, databaseOnly: true));
            Assert.Equal(pack.Name, error.ObjectName);
            Assert.Empty(Fixture.FilesIn(target));
        }

        await File.WriteAllBytesAsync(path, original);
        await reopened.RestoreAsync("latest", f.NewFolder("intact"));
        Assert.True((await reopened.VerifyAsync(readData: true)).IsHealthy);
    }

    private static async Task<(PackRecord Pack, PackEntry Photo)> PackWithMediaPieceAsync(Fixture f)
    {
        using var state = await f.OpenStateAsync();
        PackRecord pack = Assert.Single(state.Index.Packs, p => p.Entries.Any(e => e.RawLength == 300_000));
        Assert.Contains(pack.Entries, e => e.RawLength <= FormatConstants.MinimumBlockSize * 16);
        return (pack, pack.Entries.Single(e => e.RawLength == 300_000));
    }
}
