using System.Text.Json;
using Lockbox.Vault.Cluster;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Server;

/// <summary>
/// Issue 13: /health/live and /health/ready on the management address check something. Ready means the HSM
/// answers a real seal/open round trip, the state directory takes a write and, replicated, a leader exists;
/// each failure shows as 503 naming the failing check, never with exception text.
/// </summary>
[Collection(Pkcs11Collection.Name)]
public sealed class HealthTests
{
    [Fact]
    public async Task AHealthyNodeIsLiveAndReadyAndSaysWhatItChecked()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync("pkcs11");
        (int live, _) = await Get(v.Vault, "health/live");
        Assert.Equal(200, live);
        (int status, JsonElement ready) = await Get(v.Vault, "health/ready");
        Assert.Equal(200, status);
        Assert.Equal("healthy", ready.GetProperty("status").GetString());
        Assert.Equal("pkcs11 HSM: seal/open round trip ok", ready.GetProperty("checks").GetProperty("hsm").GetProperty("description").GetString());
        Assert.Equal("state directory writable", ready.GetProperty("checks").GetProperty("state").GetProperty("description").GetString());
        Assert.False(ready.GetProperty("checks").TryGetProperty("quorum", out _)); // a single node has no quorum to lose
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(v.Directory, "state"), ".health-*")); // the probe file is removed
        Assert.Equal(401, (await RawHttp.SendAsync(v.Vault.BaseAddress, "GET", "/health/ready")).Status); // not served on the public address (as /metrics)
    }

    [Fact]
    public async Task ADeadHsmMakesTheNodeNotReadyButStillLiveAndTheAnswerIsCachedBriefly()
    {
        var time = new ManualTime();
        FaultyHsm? faulty = null;
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(options: new VaultServerOptions
        {
            Time = time, AccountRequestsPerMinute = 100_000, AddressRequestsPerMinute = 100_000,
            HsmDecorator = h => faulty = new FaultyHsm(h),
        });
        faulty!.Broken = true;
        (int status, JsonElement ready) = await Get(v.Vault, "health/ready");
        Assert.Equal(503, status);
        Assert.Equal("unhealthy", ready.GetProperty("status").GetString());
        Assert.Equal("unhealthy", ready.GetProperty("checks").GetProperty("hsm").GetProperty("status").GetString());
        Assert.Equal("software HSM: does not answer a seal/open round trip", ready.GetProperty("checks").GetProperty("hsm").GetProperty("description").GetString());
        Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("state").GetProperty("status").GetString());
        Assert.DoesNotContain("CKR_", ready.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(200, (await Get(v.Vault, "health/live")).Status);

        faulty.Broken = false; // the HSM is back, but the answer is cached for a few seconds
        Assert.Equal(503, (await Get(v.Vault, "health/ready")).Status);
        time.Advance(HsmHealthCheckCache + TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await Get(v.Vault, "health/ready")).Status);
    }

    [Fact]
    public async Task AStateDirectoryThatTakesNoWriteMakesTheNodeNotReady()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        string state = Path.Combine(v.Directory, "state"), moved = state + ".moved";
        // The node keeps its open log; the path it writes new files to no longer takes one (as an unmounted or
        // read-only volume would; chmod does not stop root, who runs these tests).
        Directory.Move(state, moved);
        File.WriteAllText(state, "");
        try
        {
            (int status, JsonElement ready) = await Get(v.Vault, "health/ready");
            Assert.Equal(503, status);
            Assert.Equal("state directory is not writable", ready.GetProperty("checks").GetProperty("state").GetProperty("description").GetString());
            Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("hsm").GetProperty("status").GetString());
        }
        finally
        {
            File.Delete(state);
            Directory.Move(moved, state);
        }
        Assert.Equal(200, (await Get(v.Vault, "health/ready")).Status);
    }

    [Fact]
    public async Task AReplicatedNodeWithoutQuorumIsNotReadyUntilALeaderIsElected()
    {
        using var dir = new TempDir();
        IReadOnlyList<ClusterMember> members = await LocalCluster.CreateOrOpenAsync(dir.Path, 3, guessLimit: 10);
        await using RunningVault one = await StartMember(dir.Path, members, 1);
        (int status, JsonElement ready) = await Get(one, "health/ready");
        Assert.Equal(503, status); // one node of three: no leader can be elected
        JsonElement quorum = ready.GetProperty("checks").GetProperty("quorum");
        Assert.Equal("unhealthy", quorum.GetProperty("status").GetString());
        Assert.Equal("no leader: the group has no quorum", quorum.GetProperty("description").GetString());
        Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("hsm").GetProperty("status").GetString());

        await using RunningVault two = await StartMember(dir.Path, members, 2);
        int after = 0;
        for (int i = 0; i < 300 && after != 200; i++)
        {
            (after, _) = await Get(one, "health/ready");
            if (after != 200) await Task.Delay(100);
        }
        Assert.Equal(200, after); // two of three: a leader, and node 1 is leader or follower
    }

    private static readonly TimeSpan HsmHealthCheckCache = Lockbox.Vault.Server.Health.HsmHealthCheck.CacheFor;

    private static Task<RunningVault> StartMember(string root, IReadOnlyList<ClusterMember> members, int id)
    {
        string node = LocalCluster.NodeDirectory(root, id);
        return VaultHost.StartAsync(node, "http://127.0.0.1:0", new VaultServerOptions
        {
            MetricsUrls = "http://127.0.0.1:0",
            ConfigureLogging = _ => { },
            Cluster = new ClusterOptions { Members = members, NodeId = id, StateDirectory = Path.Combine(node, "state", "raft") },
        });
    }

    private static async Task<(int Status, JsonElement Body)> Get(RunningVault vault, string path)
    {
        using var http = new HttpClient { BaseAddress = vault.MetricsAddress };
        using HttpResponseMessage response = await http.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}
