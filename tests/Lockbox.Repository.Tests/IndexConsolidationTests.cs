using Lockbox.Repository.Engine;
using Lockbox.Repository.Format;
using Lockbox.Repository.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lockbox.Repository.Tests;

public sealed class IndexConsolidationTests
{
    [Fact]
    public async Task ManySmallIndexObjectsAreRewrittenAsFewWithoutLosingAPack()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 2_000);
        await using (var repo = await f.InitAsync())
        {
            for (int day = 0; day < 4; day++)
            {
                using (var c = new SqliteConnection(ChatData.ConnectionString(db)))
                {
                    c.Open();
                    ChatData.AddMessages(c, 2_000 + day * 100, 100, seed: day);
                }
                await repo.BackupAsync(new BackupSource(db, null));
            }
        }
        Assert.True(f.StoredFiles("index/").Count() >= 4);
        int packs = f.StoredFiles("data/").Count();

        var state = await f.OpenStateAsync();
        await IndexConsolidation.RunIfNeededAsync(state, state.Index.IndexObjects.Count, state.Index.PackCount, CancellationToken.None, threshold: 1);

        string consolidated = Assert.Single(f.StoredFiles("index/"));
        Assert.Equal(packs, state.Index.PackCount);

        // Already as few objects as its packs need: not rewritten again (each rewrite seals anew, under a new name), even
        // with no margin at all; a large consolidated repository must not be rewritten at every backup.
        await IndexConsolidation.RunIfNeededAsync(state, state.Index.IndexObjects.Count, state.Index.PackCount, CancellationToken.None, threshold: 0);
        Assert.Equal([consolidated], f.StoredFiles("index/"));
        await using var reopened = await f.OpenAsync();
        Assert.True((await reopened.VerifyAsync(readData: true)).IsHealthy);
        string target = f.NewFolder("out");
        await reopened.RestoreAsync("latest", target);
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(Path.Combine(target, "msgstore.db")));
        state.Dispose();
    }
}
