using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Vault.Cluster;

namespace Lockbox.Vault.Tests.Cluster;

/// <summary>
/// A follower whose log lost its end (docs/SECURITY.md, "The fleet": a rolled-back disk). Unlike an older copy of the
/// whole directory, its term and vote record is current: only the log is short. The node must see that it is behind
/// its sealed mark by the log alone, rejoin as a standby, and give back no guess and no erased key.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CutLogTests(ClusterUnderTest cluster)
{
    private static async Task<string> EnrolAsync(ClusterUnderTest cluster, int? guessLimit = null)
    {
        string account = EndToEnd.DeviceClients.NewAccount();
        using BackupKey key = BackupKey.Generate();
        using VaultClient device = cluster.Device(account, guessLimit: guessLimit);
        await device.EnrolAsync("correct horse", key);
        return account;
    }

    /// <summary>
    /// The follower's log as it was at an earlier index, with its current term and vote: the WAL's entry pages, entry
    /// metadata and checkpoint (last and commit index), and the snapshots the later entries caused, go back; the WAL's
    /// <c>state</c> file (term and vote) does not. That is a log whose end was cut off, not an older directory.
    /// </summary>
    private static void CutLog(string nodeDirectory, string logAtCut)
    {
        string raft = Path.Combine(nodeDirectory, "state", "raft");
        foreach (string part in new[] { Path.Combine("wal", "data"), Path.Combine("wal", "metadata"), "snapshots" })
        {
            Directory.Delete(Path.Combine(raft, part), recursive: true);
            Directory.CreateDirectory(Path.Combine(raft, part));
            if (Directory.Exists(Path.Combine(logAtCut, part))) ClusterUnderTest.CopyDirectory(Path.Combine(logAtCut, part), Path.Combine(raft, part));
        }
        File.Copy(Path.Combine(logAtCut, "wal", "checkpoint"), Path.Combine(raft, "wal", "checkpoint"), overwrite: true);
    }

    [Fact]
    public async Task AFollowerWhoseLogWasCutKnowsItIsBehindItsMarkRejoinsAsAStandbyAndGivesNoGuessOrErasedKeyBack()
    {
        using var logAtCut = new Support.TempDir();
        try
        {
            string counted = await EnrolAsync(cluster);
            string erased = await EnrolAsync(cluster, guessLimit: 2);
            int leader = await cluster.LeaderAsync();
            int cut = cluster.Members.First(m => m.Id != leader).Id;
            int other = cluster.Members.First(m => m.Id != leader && m.Id != cut).Id;
            long before = (await cluster.RequireStatusAsync(leader)).CommitIndex;
            await cluster.WaitAppliedAsync(cut, before);

            // The log as it stands before any guess is spent: where the cut will fall.
            cluster.Kill(cut);
            ClusterUnderTest.CopyDirectory(Path.Combine(cluster.NodeDirectory(cut), "state", "raft"), logAtCut.Path);
            await cluster.StartAsync(cut);

            using (VaultClient device = cluster.Device(counted))
                for (int i = 0; i < 2; i++) await Assert.ThrowsAsync<VaultException>(() => device.RecoverAsync("wrong " + i));
            using (VaultClient device = cluster.Device(erased))
            {
                for (int i = 0; i < 2; i++) await Assert.ThrowsAsync<VaultException>(() => device.RecoverAsync("wrong " + i));
                Assert.True((await device.GetStatusAsync()).Locked);
            }
            long commit = (await cluster.RequireStatusAsync(await cluster.LeaderAsync())).CommitIndex;
            Assert.True(commit > before);
            await cluster.WaitAppliedAsync(cut, commit);
            long term = (await cluster.RequireStatusAsync(cut)).Term;
            StateMark? mark;
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                while ((mark = cluster.Mark(cut)) is null || mark.Commit < commit || mark.Term < term) await Task.Delay(100, deadline.Token);
            // The term and vote record that stays is as new as the mark: what the node detects is the log's end alone.
            Assert.Equal(term, mark.Term);

            // The end of its log is lost; its term and vote record is not. Alone, it cannot catch up: it must stay a standby.
            cluster.Kill(cut);
            CutLog(cluster.NodeDirectory(cut), logAtCut.Path);
            foreach (int id in new[] { leader, other }) cluster.Kill(id);
            await cluster.StartAsync(cut);
            string log = cluster.Log(cut);
            Assert.Contains("its state is behind its mark", log, StringComparison.Ordinal);
            Assert.Contains("rejoining as a standby", log, StringComparison.Ordinal);
            ClusterStatus alone = await cluster.RequireStatusAsync(cut);
            Assert.Equal("standby", alone.Role);
            Assert.True(alone.Term > mark.Term, $"term {alone.Term} must move past the mark's {mark.Term}: no second vote in a term it may have voted in");
            Assert.True(alone.AppliedIndex < commit);

            // Kill the others in turn: each time the cut node is one of the two that remain.
            foreach (int victim in new[] { leader, other })
            {
                foreach (var m in cluster.Members) if (!cluster.IsRunning(m.Id)) await cluster.StartAsync(m.Id);
                await cluster.WaitAppliedAsync(cut, commit);
                cluster.Kill(victim);
                using (VaultClient device = cluster.Device(counted, first: cut))
                    Assert.Equal(8, (await device.GetStatusAsync()).GuessesLeft);
                using VaultClient owner = cluster.Device(erased, first: cut);
                Assert.True((await owner.GetStatusAsync()).Locked);
                VaultException gone = await Assert.ThrowsAsync<VaultException>(() => owner.RecoverAsync("correct horse"));
                Assert.Equal(VaultFailure.Locked, gone.Failure);
            }
        }
        finally
        {
            await cluster.RestoreAllAsync();
        }
    }
}
