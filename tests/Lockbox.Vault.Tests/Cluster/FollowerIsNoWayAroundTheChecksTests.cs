using System.Buffers.Text;
using System.Security.Cryptography;
using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Vault.Cluster;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Server.Hsm;
using Lockbox.Vault.Tests.EndToEnd;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Cluster;

/// <summary>
/// Attacks on what replication adds (issue 10): a follower must not be a way around the bearer check or the
/// signature, a redirect must not carry a device to an address it was not given, and a sealed Raft entry
/// captured from the wire or a disk must not apply twice.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FollowerIsNoWayAroundTheChecksTests(ClusterUnderTest cluster)
{
    private async Task<int> FollowerAsync() => cluster.Members.First(m => m.Id != cluster.LeaderAsync().GetAwaiter().GetResult()).Id;

    private async Task<RawHttp.Response> StatusAtAsync(int node, string account, string? bearer, string body)
    {
        Uri url = cluster.Members.Single(m => m.Id == node).PublicUrl;
        return await RawHttp.SendAsync(url, "POST", $"/v1/accounts/{account}/status", bearer, body);
    }

    private bool SignedByTheFleet(RawHttp.Response response, string account, string sent, string? body = null) =>
        SignedAnswer.Verify(cluster.FleetKey, VaultSigning.Endpoints.Status, account, sent, response, body);

    [Fact]
    public async Task AFollowerChecksTheBearerFirstAndSignsItsRedirect()
    {
        int follower = await FollowerAsync();
        string account = DeviceClients.NewAccount();
        string body = "{\"nonce\":\"" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)) + "\"}";

        RawHttp.Response anonymous = await StatusAtAsync(follower, account, null, body);
        Assert.Equal(401, anonymous.Status);
        Assert.DoesNotContain("leader", SignedAnswer.Body(anonymous), StringComparison.Ordinal);
        Assert.True(SignedByTheFleet(anonymous, account, body));

        RawHttp.Response otherAccount = await StatusAtAsync(follower, account, VaultHost.MintToken(cluster.Directory, DeviceClients.NewAccount()), body);
        Assert.Equal(403, otherAccount.Status);
        Assert.Contains("account_mismatch", SignedAnswer.Body(otherAccount), StringComparison.Ordinal);

        RawHttp.Response redirect = await StatusAtAsync(follower, account, VaultHost.MintToken(cluster.Directory, account), body);
        Assert.Equal(421, redirect.Status);
        Assert.Contains("\"error\":\"not_leader\"", SignedAnswer.Body(redirect), StringComparison.Ordinal);
        Uri leader = cluster.Members.Single(m => m.Id == cluster.LeaderAsync().GetAwaiter().GetResult()).PublicUrl;
        Assert.Contains("\"leader\":\"" + leader.AbsoluteUri + "\"", SignedAnswer.Body(redirect), StringComparison.Ordinal);
        Assert.True(SignedByTheFleet(redirect, account, body));
        Assert.False(SignedByTheFleet(redirect, account, body, SignedAnswer.Body(redirect).Replace(leader.AbsoluteUri, "http://127.0.0.1:1/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ADeviceGivenOnlyAFollowerIsNotCarriedElsewhereAndSpendsNoGuess()
    {
        string account = DeviceClients.NewAccount();
        using (VaultClient owner = cluster.Device(account))
            await owner.EnrolAsync("correct horse", BackupKey.Generate());
        int follower = await FollowerAsync();
        using (var device = new VaultClient(new VaultClientOptions
        {
            VaultUrl = cluster.Members.Single(m => m.Id == follower).PublicUrl,
            AccountId = account,
            AccountToken = VaultHost.MintToken(cluster.Directory, account),
            FleetPublicKey = cluster.FleetKey,
            KeyStretching = KeyStretchingPresets.Test,
            FailoverTimeout = TimeSpan.FromSeconds(2),
        }))
        {
            VaultException refused = await Assert.ThrowsAsync<VaultException>(() => device.RecoverAsync("wrong"));
            Assert.Equal(VaultFailure.NoQuorum, refused.Failure);
        }
        using VaultClient check = cluster.Device(account);
        Assert.Equal(10, (await check.GetStatusAsync()).GuessesLeft);
    }

    [Fact]
    public void ACapturedEntryAppliesOnceAndAStaleOneNever()
    {
        var window = new ReplayWindow();
        byte[] id = RandomNumberGenerator.GetBytes(ReplicatedEntry.RequestIdSize);
        Assert.True(window.Admit(id, 1_000));
        Assert.False(window.Admit(id, 1_000));
        Assert.False(window.Admit(id, 2_000));
        long later = 1_000 + (long)ReplayWindow.Span.TotalMilliseconds + 1;
        Assert.True(window.Admit(RandomNumberGenerator.GetBytes(16), later));
        Assert.False(window.Admit(id, 999)); // older than the window: refused even though its id was forgotten
        Assert.DoesNotContain(window.Entries, e => e.Id == Convert.ToHexStringLower(id));
    }

    [Fact]
    public void ASealedEntryOpensOnlyUnchangedAndUnderItsOwnRequestId()
    {
        using var dir = new TempDir();
        using SoftwareHsm hsm = SoftwareHsm.Create(Path.Combine(dir.Path, "hsm.key"));
        using SoftwareHsm other = SoftwareHsm.Create(Path.Combine(dir.Path, "other.key"));
        byte[] id = RandomNumberGenerator.GetBytes(16);
        byte[] payload = ReplicatedEntry.Seal(hsm, id, "command"u8);
        Assert.Equal("command"u8.ToArray(), ReplicatedEntry.Open(hsm, payload)!.Value.Command);
        Assert.Null(ReplicatedEntry.Open(other, payload)); // another fleet's key
        for (int i = 0; i < payload.Length; i++)
        {
            byte[] flipped = (byte[])payload.Clone();
            flipped[i] ^= 1;
            Assert.Null(ReplicatedEntry.Open(hsm, flipped));
        }
        Assert.DoesNotContain("command"u8.ToArray(), Enumerable.Range(0, payload.Length - 6).Select(i => payload.AsSpan(i, 7).ToArray()), new ByteArrayComparer());
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] obj) => obj.Length;
    }
}
