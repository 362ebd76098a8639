using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Vault.Tests.EndToEnd;

namespace Lockbox.Vault.Tests.Cluster;

/// <summary>
/// Three real <c>vault serve</c> processes in one Raft group on 127.0.0.1 (issue 10), started once for the class.
/// Every test leaves all three running. No timing assertions: waits have generous deadlines.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReplicatedVaultTests(ClusterUnderTest cluster)
{
    private static async Task<(string Account, BackupKey Key)> EnrolAsync(ClusterUnderTest cluster, string password = "correct horse", int? guessLimit = null)
    {
        string account = DeviceClients.NewAccount();
        BackupKey key = BackupKey.Generate();
        using VaultClient device = cluster.Device(account, guessLimit: guessLimit);
        await device.EnrolAsync(password, key);
        return (account, key);
    }

    [Fact]
    public async Task KillingTheLeaderDuringEnrolmentsAndLoginsLosesNoAcknowledgedEnrolmentAndNoCounterGoesDown()
    {
        try
        {
            int leader = await cluster.LeaderAsync();
            var acknowledged = new System.Collections.Concurrent.ConcurrentBag<(string Account, BackupKey Key)>();
            var guessesLeft = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            using var stop = new CancellationTokenSource();
            int afterKill = 0;
            bool killed = false;
            Task stream = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    (string account, BackupKey key) = await EnrolAsync(cluster); // any failure fails the test: the SDK must fail over
                    acknowledged.Add((account, key));
                    using VaultClient device = cluster.Device(account, first: 1 + (acknowledged.Count % 3));
                    VaultException wrong = await Assert.ThrowsAsync<VaultException>(() => device.RecoverAsync("wrong guess"));
                    Assert.Equal(VaultFailure.WrongPassword, wrong.Failure);
                    guessesLeft[account] = wrong.GuessesLeft!.Value;
                    if (Volatile.Read(ref killed)) Interlocked.Increment(ref afterKill);
                }
            });
            while (acknowledged.Count < 3) await Task.Delay(50);
            cluster.Kill(leader);
            Volatile.Write(ref killed, true);
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
                while (Volatile.Read(ref afterKill) < 3) await Task.Delay(50, deadline.Token);
            await stop.CancelAsync();
            await stream;

            Assert.NotEqual(leader, await cluster.LeaderAsync());
            foreach ((string account, BackupKey key) in acknowledged)
            {
                using VaultClient device = cluster.Device(account);
                VaultAccountStatus before = await device.GetStatusAsync();
                Assert.False(before.Locked);
                Assert.True(before.GuessesLeft <= guessesLeft.GetValueOrDefault(account, 10), $"{account}: the counter went down");
                using BackupKey recovered = await device.RecoverAsync("correct horse");
                Assert.True(recovered.SameAs(key));
            }
        }
        finally
        {
            await cluster.RestoreAllAsync();
        }
    }

    [Fact]
    public async Task AStoppedNodeRestartedLaterCatchesUpAndCanLead()
    {
        try
        {
            int leader = await cluster.LeaderAsync();
            int stopped = cluster.Members.First(m => m.Id != leader).Id;
            cluster.Kill(stopped);
            var enrolled = new List<(string Account, BackupKey Key)>();
            for (int i = 0; i < 3; i++) enrolled.Add(await EnrolAsync(cluster));
            long commit = (await cluster.RequireStatusAsync(await cluster.LeaderAsync())).CommitIndex;

            await cluster.StartAsync(stopped);
            await cluster.WaitAppliedAsync(stopped, commit);
            // Now lose the leader: the returned node and the other one make the majority, and must hold it all.
            cluster.Kill(await cluster.LeaderAsync());
            foreach ((string account, BackupKey key) in enrolled)
            {
                using VaultClient device = cluster.Device(account, first: stopped);
                using BackupKey recovered = await device.RecoverAsync("correct horse");
                Assert.True(recovered.SameAs(key));
            }
        }
        finally
        {
            await cluster.RestoreAllAsync();
        }
    }

    [Fact]
    public async Task TwoOfThreeStoppedRefusesWithNoQuorumAndLosesNothingWhenTheyReturn()
    {
        try
        {
            (string account, BackupKey key) = await EnrolAsync(cluster);
            int survivor = await cluster.LeaderAsync();
            foreach (var m in cluster.Members.Where(m => m.Id != survivor)) cluster.Kill(m.Id);

            using (VaultClient device = cluster.Device(account, first: survivor, failover: TimeSpan.FromSeconds(5)))
            {
                VaultException refused = await Assert.ThrowsAsync<VaultException>(() => device.RecoverAsync("correct horse"));
                Assert.Equal(VaultFailure.NoQuorum, refused.Failure);
                Assert.Contains("no quorum", refused.Message, StringComparison.OrdinalIgnoreCase);
            }

            await cluster.RestoreAllAsync();
            using VaultClient again = cluster.Device(account);
            using BackupKey recovered = await again.RecoverAsync("correct horse");
            Assert.True(recovered.SameAs(key));
        }
        finally
        {
            await cluster.RestoreAllAsync();
        }
    }

    [Fact]
    public async Task ConcurrentWrongGuessesSpreadOverAllNodesNeverExceedTheLimit()
    {
        (string account, _) = await EnrolAsync(cluster);
        int wrongAnswers = 0, lockedAnswers = 0;
        await Task.WhenAll(Enumerable.Range(0, 15).Select(async i =>
        {
            using VaultClient device = cluster.Device(account, first: 1 + (i % 3));
            VaultException e = await Assert.ThrowsAsync<VaultException>(() => device.RecoverAsync("wrong " + i));
            if (e.Failure == VaultFailure.WrongPassword) Interlocked.Increment(ref wrongAnswers);
            else if (e.Failure == VaultFailure.Locked) Interlocked.Increment(ref lockedAnswers);
            else Assert.Fail($"unexpected {e.Failure}: {e.Message}");
        }));
        Assert.True(wrongAnswers + lockedAnswers == 15);
        Assert.True(wrongAnswers <= 10, $"{wrongAnswers} wrong guesses were answered with a limit of 10");
        using VaultClient owner = cluster.Device(account);
        VaultAccountStatus status = await owner.GetStatusAsync();
        Assert.True(status.Locked);
        Assert.Equal(0, status.GuessesLeft);
    }

    [Fact]
    public async Task AFollowerRestoredFromAnOlderCopyRejoinsAsAStandbyAndGivesNoGuessOrErasedKeyBack()
    {
        using var backup = new Support.TempDir();
        try
        {
            (string counted, _) = await EnrolAsync(cluster);
            (string erased, _) = await EnrolAsync(cluster, guessLimit: 2);
            int leader = await cluster.LeaderAsync();
            int rolled = cluster.Members.First(m => m.Id != leader).Id;
            int other = cluster.Members.First(m => m.Id != leader && m.Id != rolled).Id;

            // An operator's copy of the follower's directory, taken while it still had every guess and the key.
            cluster.Kill(rolled);
            ClusterUnderTest.CopyDirectory(cluster.NodeDirectory(rolled), backup.Path);
            await cluster.StartAsync(rolled);

            using (VaultClient device = cluster.Device(counted))
                for (int i = 0; i < 2; i++) await Assert.ThrowsAsync<VaultException>(() => device.RecoverAsync("wrong " + i));
            using (VaultClient device = cluster.Device(erased))
                for (int i = 0; i < 2; i++) await Assert.ThrowsAsync<VaultException>(() => device.RecoverAsync("wrong " + i));
            long commit = (await cluster.RequireStatusAsync(await cluster.LeaderAsync())).CommitIndex;
            await cluster.WaitAppliedAsync(rolled, commit);
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                while (cluster.Mark(rolled) is not { } mark || mark.Commit < commit) await Task.Delay(100, deadline.Token);

            // The disk goes back to the old copy: the node must notice and must not lead or vote its way back.
            cluster.Kill(rolled);
            System.IO.Directory.Delete(cluster.NodeDirectory(rolled), recursive: true);
            ClusterUnderTest.CopyDirectory(backup.Path, cluster.NodeDirectory(rolled));
            await cluster.StartAsync(rolled);
            Assert.Contains("behind its mark", cluster.Log(rolled), StringComparison.Ordinal);

            // Kill the others in turn: each time the rolled-back node is one of the two that remain.
            foreach (int victim in new[] { leader, other })
            {
                foreach (var m in cluster.Members) if (!cluster.IsRunning(m.Id)) await cluster.StartAsync(m.Id);
                await cluster.WaitAppliedAsync(rolled, commit);
                cluster.Kill(victim);
                using (VaultClient device = cluster.Device(counted, first: rolled))
                    Assert.Equal(8, (await device.GetStatusAsync()).GuessesLeft);
                using VaultClient owner = cluster.Device(erased, first: rolled);
                VaultAccountStatus status = await owner.GetStatusAsync();
                Assert.True(status.Locked);
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
