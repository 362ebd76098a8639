using System.Diagnostics;
using System.Globalization;
using Lockbox.Vault.Cluster;
using Lockbox.Vault.Server.Hosting;

namespace Lockbox.Benchmarks.Vault;

/// <summary>
/// The 3-node column of <c>vault-login</c>: a replicated vault of three nodes in this process (software HSM each,
/// Raft over TCP on 127.0.0.1, every login committed by a majority), full logins against the leader; then the
/// leader is stopped and the time to the first successful login on the new leader is measured.
/// </summary>
internal static class ClusterLogins
{
    private const int Accounts = 16;

    public static async Task<string> RunAsync(int concurrency, int logins, string dir)
    {
        IReadOnlyList<ClusterMember> members = await LocalCluster.CreateOrOpenAsync(dir, 3).ConfigureAwait(false);
        var nodes = new Dictionary<int, RunningVault>();
        try
        {
            await Task.WhenAll(members.Select(async m =>
            {
                RunningVault vault = await VaultHost.StartAsync(LocalCluster.NodeDirectory(dir, m.Id), m.PublicUrl.GetLeftPart(UriPartial.Authority), new VaultServerOptions
                {
                    AccountRequestsPerMinute = int.MaxValue,
                    AddressRequestsPerMinute = int.MaxValue,
                    ConfigureLogging = _ => { },
                    Cluster = new ClusterOptions { Members = members, NodeId = m.Id, StateDirectory = "raft" },
                }).ConfigureAwait(false);
                lock (nodes) nodes[m.Id] = vault;
            })).ConfigureAwait(false);
            int leader = await LeaderAsync(nodes).ConfigureAwait(false);
            using var http = new HttpClient { BaseAddress = nodes[leader].BaseAddress };
            string node1 = LocalCluster.NodeDirectory(dir, 1);
            for (int a = 0; a < Accounts; a++) await VaultLoginThroughput.EnrolAsync(http, node1, "acct" + a).ConfigureAwait(false);
            string[] tokens = [.. Enumerable.Range(0, Accounts).Select(a => VaultHost.MintToken(node1, "acct" + a))];
            for (int i = 0; i < 20; i++) await VaultLoginThroughput.LoginAsync(http, "acct" + (i % Accounts), tokens[i % Accounts]).ConfigureAwait(false);

            var latencies = new double[logins];
            int next = -1;
            long wall = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < logins)
                    latencies[i] = await VaultLoginThroughput.LoginAsync(http, "acct" + (i % Accounts), tokens[i % Accounts]).ConfigureAwait(false);
            })).ConfigureAwait(false);
            double seconds = Stopwatch.GetElapsedTime(wall).TotalSeconds;
            Array.Sort(latencies);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| 3 nodes (software, Raft) | {concurrency} | {logins / seconds:F0} | {latencies[logins / 2]:F2} | {latencies[Math.Min(logins - 1, (int)(logins * 0.99))]:F2} | – | – |"));

            // Failover: stop the leader (its sockets close; followers see no heartbeat), then log in on whichever
            // survivor answers first, as the SDK's node list would.
            long stopped = Stopwatch.GetTimestamp();
            Task stopping = nodes[leader].DisposeAsync().AsTask();
            nodes.Remove(leader);
            HttpClient[] survivors = [.. nodes.Values.Select(v => new HttpClient { BaseAddress = v.BaseAddress, Timeout = TimeSpan.FromSeconds(2) })];
            double failoverMs = double.NaN;
            try
            {
                while (Stopwatch.GetElapsedTime(stopped) < TimeSpan.FromSeconds(30) && double.IsNaN(failoverMs))
                {
                    foreach (HttpClient s in survivors)
                    {
                        try
                        {
                            await VaultLoginThroughput.LoginAsync(s, "acct0", tokens[0]).ConfigureAwait(false);
                            failoverMs = Stopwatch.GetElapsedTime(stopped).TotalMilliseconds;
                            break;
                        }
                        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
                        {
                            // not the leader yet, or no leader: try the next one
                        }
                    }
                }
            }
            finally
            {
                foreach (HttpClient s in survivors) s.Dispose();
            }
            await stopping.ConfigureAwait(false);
            return string.Create(CultureInfo.InvariantCulture, $"concurrency {concurrency}: {failoverMs:F0} ms from stopping the leader to the first successful login");
        }
        finally
        {
            foreach (RunningVault v in nodes.Values) await v.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<int> LeaderAsync(Dictionary<int, RunningVault> nodes)
    {
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(30))
        {
            foreach ((int id, RunningVault v) in nodes)
                if (v.Member?.Status().Role == "leader") return id;
            await Task.Delay(20).ConfigureAwait(false);
        }
        throw new InvalidOperationException("no leader elected within 30 s");
    }
}
