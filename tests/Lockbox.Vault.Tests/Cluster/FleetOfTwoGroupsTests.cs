using System.Text;
using System.Text.Json;
using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Opaque;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Cluster;

/// <summary>
/// Two Raft groups of three real processes each (issue 10, "Scale past one group"): accounts land on the group the
/// signed fleet map gives them, a node of the other group refuses them before anything is counted, and losing a
/// whole group leaves the other serving while the lost group's accounts come back intact. No timing assertions.
/// </summary>
public sealed class FleetOfTwoGroupsTests(FleetUnderTest fleet) : IClassFixture<FleetUnderTest>
{
    private async Task<BackupKey> EnrolAsync(string account, string password = "correct horse")
    {
        BackupKey key = BackupKey.Generate();
        using VaultClient device = fleet.Device(account);
        await device.EnrolAsync(password, key);
        return key;
    }

    private async Task<Lockbox.Vault.Cluster.ClusterStatus> LeaderStatusAsync(int group)
    {
        while (true)
            if (await fleet.StatusAsync(group, await fleet.LeaderAsync(group)) is { Role: "leader" } status) return status;
    }

    [Fact]
    public async Task EachAccountIsCommittedByItsOwnGroupOnly()
    {
        foreach (int group in new[] { 1, 2 })
        {
            int other = 3 - group;
            string account = fleet.AccountIn(group);
            long ownBefore = (await LeaderStatusAsync(group)).CommitIndex;
            Lockbox.Vault.Cluster.ClusterStatus otherBefore = await LeaderStatusAsync(other);
            using BackupKey key = await EnrolAsync(account);
            Assert.True((await LeaderStatusAsync(group)).CommitIndex > ownBefore, $"group {group} did not commit the enrolment of its account");
            // The other group committed nothing for it: at most the one entry a newly elected leader appends per new term
            // (an election is possible on a loaded machine), never the registration and enrolment.
            Lockbox.Vault.Cluster.ClusterStatus otherAfter = await LeaderStatusAsync(other);
            Assert.True(otherAfter.CommitIndex - otherBefore.CommitIndex <= otherAfter.Term - otherBefore.Term,
                $"group {other} committed entries while group {group}'s account enrolled ({otherBefore.CommitIndex} -> {otherAfter.CommitIndex}, term {otherBefore.Term} -> {otherAfter.Term})");

            using VaultClient device = fleet.Device(account);
            using BackupKey recovered = await device.RecoverAsync("correct horse");
            Assert.True(recovered.SameAs(key));
            Assert.Equal(group, device.GroupId);
            Assert.Equal(1, device.FleetMapVersion);
            Assert.All(device.NodeUrls, u => Assert.Contains(fleet.Groups.SelectMany(g => g.Members), m => m.PublicUrl == u));
        }
    }

    [Fact]
    public async Task ANodeOfAnotherGroupRefusesTheAccountSignedAndCountsNoGuess()
    {
        string account = fleet.AccountIn(1);
        using BackupKey key = await EnrolAsync(account);
        using (VaultClient before = fleet.Device(account))
            Assert.Equal(10, (await before.GetStatusAsync()).GuessesLeft);

        string token = VaultHost.MintToken(fleet.Directory, account);
        using ClientLoginState state = new OpaqueClient(new OpaqueConfiguration([], KeyStretchingPresets.Test)).GenerateKE1("a guess"u8);
        string ke1 = System.Buffers.Text.Base64Url.EncodeToString(state.KE1.Serialize());
        foreach (Lockbox.Vault.Cluster.ClusterMember node in fleet.Group(2).Members)
        {
            foreach ((string endpoint, string body) in new[]
            {
                (VaultSigning.Endpoints.LoginStart, $"{{\"ke1\":\"{ke1}\",\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}}"),
                (VaultSigning.Endpoints.Status, "{\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}"),
                (VaultSigning.Endpoints.Delete, "{\"managementCredential\":\"AAAA\",\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\"}"),
            })
            {
                RawHttp.Response answer = await RawHttp.SendAsync(node.PublicUrl, "POST", $"/v1/accounts/{account}/{endpoint}", token, body);
                Assert.Equal(421, answer.Status);
                Assert.True(SignedAnswer.Verify(fleet.FleetKey, endpoint, account, body, answer), $"group 2 node {node.Id}: the wrong_group answer to {endpoint} is not signed by the fleet");
                using JsonDocument problem = JsonDocument.Parse(SignedAnswer.Body(answer));
                Assert.Equal("wrong_group", problem.RootElement.GetProperty("error").GetString());
                Assert.Equal(1, problem.RootElement.GetProperty("fleetVersion").GetInt64());
                Assert.Equal(1, problem.RootElement.GetProperty("group").GetInt32());
            }
        }

        // Nothing was counted, read or erased through group 2; the same login start at group 1 is taken.
        using (VaultClient after = fleet.Device(account))
        {
            VaultAccountStatus status = await after.GetStatusAsync();
            Assert.Equal(10, status.GuessesLeft);
            using BackupKey recovered = await after.RecoverAsync("correct horse");
            Assert.True(recovered.SameAs(key));
        }
        string again = $"{{\"ke1\":\"{ke1}\",\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAQ\"}}";
        RawHttp.Response right = await RawHttp.SendAsync(fleet.Url(1, await fleet.LeaderAsync(1)), "POST", $"/v1/accounts/{account}/login/start", token, again);
        Assert.Equal(200, right.Status);
    }

    [Fact]
    public async Task LosingAWholeGroupLeavesTheOtherServingAndItsAccountsComeBackIntact()
    {
        string survivor = fleet.AccountIn(1), lost = fleet.AccountIn(2);
        using BackupKey survivorKey = await EnrolAsync(survivor);
        using BackupKey lostKey = await EnrolAsync(lost);
        try
        {
            fleet.KillGroup(2);

            // Group 1 still enrols, logs in and releases keys (the device's first given addresses are group 2's, now dead).
            using (VaultClient device = fleet.Device(survivor))
            {
                using BackupKey recovered = await device.RecoverAsync("correct horse");
                Assert.True(recovered.SameAs(survivorKey));
            }
            string fresh = fleet.AccountIn(1);
            using BackupKey freshKey = await EnrolAsync(fresh);
            using (VaultClient device = fleet.Device(fresh))
            {
                using BackupKey recovered = await device.RecoverAsync("correct horse");
                Assert.True(recovered.SameAs(freshKey));
            }

            // Group 2's account gets one clear line, and no guess is spent.
            using (VaultClient device = fleet.Device(lost, failover: TimeSpan.FromSeconds(3)))
            {
                VaultException down = await Assert.ThrowsAsync<VaultException>(() => device.RecoverAsync("correct horse"));
                Assert.Equal(VaultFailure.Unreachable, down.Failure);
                Assert.Contains("of this account's group", down.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("\n", down.Message, StringComparison.Ordinal);
            }

            await fleet.RestoreGroupAsync(2);
            using (VaultClient device = fleet.Device(lost))
            {
                Assert.Equal(10, (await device.GetStatusAsync()).GuessesLeft);
                using BackupKey recovered = await device.RecoverAsync("correct horse");
                Assert.True(recovered.SameAs(lostKey));
            }
        }
        finally
        {
            await fleet.RestoreGroupAsync(2);
        }
    }

    [Fact]
    public async Task ADeviceThatSawANewerMapRefusesTheFleetsOlderOne()
    {
        using var state = new TempDir();
        var pin = new FleetMapPin(Path.Combine(state.Path, "fleet-maps"));
        string account = fleet.AccountIn(2);
        using (VaultClient first = fleet.Device(account, pin: pin))
            await first.AuthenticateAsync();
        Assert.Equal(1, pin.VersionFor(fleet.FleetKey));

        pin.Raise(fleet.FleetKey, 2); // as if this device had accepted map version 2: every node still serves version 1
        using VaultClient device = fleet.Device(account, pin: pin);
        VaultException stale = await Assert.ThrowsAsync<VaultException>(() => device.AuthenticateAsync());
        Assert.Equal(VaultFailure.NotAuthentic, stale.Failure);
        Assert.Contains("fleet map version 1, older than version 2", stale.Message, StringComparison.Ordinal);
        Assert.Equal(2, pin.VersionFor(fleet.FleetKey));
        Assert.Contains(FleetKey.Format(fleet.FleetKey) + " 2\n", Encoding.ASCII.GetString(File.ReadAllBytes(pin.Path)), StringComparison.Ordinal);
    }
}
