using System.Net;
using System.Security.Cryptography;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Membership;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Commands;
using Lockbox.Vault.Core.Hsm;
using Lockbox.Vault.Core.Opaque;
using Lockbox.Vault.Core.Replication;
using Lockbox.Vault.Core.State;
using Microsoft.Extensions.Logging;

namespace Lockbox.Vault.Cluster;

/// <summary>
/// One member of a replicated vault (issue 10): the vault's command stream runs through a DotNext Raft group
/// over TCP. Only the leader takes requests: it stamps the time once, seals the command under the fleet key,
/// and answers only after a majority has committed the entry and it applied it itself. A follower refuses with
/// the leader's address (the device retries there); with no majority, requests fail as "no quorum" after
/// <see cref="ClusterOptions.CommitTimeout"/>, never from a stale copy. Reads a device acts on (status, the
/// registration check) pass a read barrier on the leader first.
/// </summary>
internal sealed class ClusterVaultNode : IVaultReplica, IAsyncDisposable
{
    private readonly RaftCluster _raft;
    private readonly WriteAheadLog _wal;
    private readonly ReplicatedVaultState _state;
    private readonly ClusterOptions _options;
    private readonly IHsm _hsm;
    private readonly TimeProvider _time;
    private readonly ITimer _ticker;
    private readonly SemaphoreSlim _stamp = new(1, 1);
    private readonly ITimer? _marker;
    private readonly Lock _markGate = new();
    private readonly CancellationTokenSource _life = new();
    private StateMark? _mark;
    private long _lastStampMs;

    private ClusterVaultNode(RaftCluster raft, WriteAheadLog wal, ReplicatedVaultState state, ClusterOptions options, IHsm hsm, IOpaqueServer opaque, VaultPolicy policy, TimeProvider time, StateMark? mark)
    {
        _mark = mark;
        _raft = raft;
        _wal = wal;
        _state = state;
        _options = options;
        _hsm = hsm;
        Opaque = opaque;
        Policy = policy;
        _time = time;
        _ticker = time.CreateTimer(_ => _ = TickAsync(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        if (options.MarkPath is not null)
            _marker = TimeProvider.System.CreateTimer(_ => AdvanceMark(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>True while this member rejoins after a detected loss of state (it cannot lead until caught up).</summary>
    public bool Recovering { get; private set; }

    /// <summary>True when this member started with state behind its mark (it then rejoined as a standby).</summary>
    public bool LostState { get; private set; }

    public IOpaqueServer Opaque { get; }

    public VaultPolicy Policy { get; }

    public ClusterMember Self => _options.Self;

    /// <summary>Replays the sealed snapshot and log in <see cref="ClusterOptions.StateDirectory"/> and joins the group.</summary>
    public static async Task<ClusterVaultNode> StartAsync(ClusterOptions options, IHsm hsm, IOpaqueServer opaque, VaultPolicy policy, ILoggerFactory logging, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        string root = Path.GetFullPath(options.StateDirectory);
        Directory.CreateDirectory(root);
        var state = new ReplicatedVaultState(new DirectoryInfo(Path.Combine(root, "snapshots")), hsm, opaque, policy, options.CompactEvery);
        await state.RestoreAsync().ConfigureAwait(false);
        var wal = new WriteAheadLog(new WriteAheadLog.Options { Location = Path.Combine(root, "wal") }, state);
        RaftCluster? raft = null;
        try
        {
            await wal.InitializeAsync().ConfigureAwait(false);
            // Rollback (docs/SECURITY.md, "The fleet"): a disk behind this member's sealed mark lost state. Its term
            // moves past every term it may have voted in (no second vote in one term), and it rejoins as a standby
            // that cannot lead until it has applied past the highest index it knew committed.
            StateMark? mark = options.MarkPath is null ? null : StateMark.Read(hsm, options.MarkPath, options.NodeId);
            IPersistentState persistent = wal;
            bool lostState = mark is not null && (persistent.Term < mark.Term || wal.LastEntryIndex < mark.Commit);
            if (lostState) await persistent.UpdateTermAsync(mark!.Term + 1, true, CancellationToken.None).ConfigureAwait(false);
            var configuration = new RaftCluster.TcpConfiguration(options.Self.RaftEndPoint)
            {
                LowerElectionTimeout = options.LowerElectionTimeoutMs,
                UpperElectionTimeout = options.LowerElectionTimeoutMs * 2,
                RequestTimeout = TimeSpan.FromMilliseconds(options.LowerElectionTimeoutMs * 0.9),
                ConnectTimeout = TimeSpan.FromMilliseconds(options.LowerElectionTimeoutMs * 0.9),
                ColdStart = false,
                ConfigurationStorage = null, // the static, in-memory membership built below
                LoggerFactory = logging,
                Standby = options.Standby || lostState,
            };
            if (configuration.ConfigurationStorage is not InMemoryClusterConfigurationStorage<EndPoint> storage)
                throw new InvalidOperationException("DotNext did not make its in-memory membership storage.");
            var members = storage.CreateInitialConfigurationBuilder();
            foreach (ClusterMember member in options.Members) members.Add(member.RaftEndPoint);
            members.Build();
            raft = new RaftCluster(configuration) { AuditTrail = wal };
            await raft.StartAsync(CancellationToken.None).ConfigureAwait(false);
            var node = new ClusterVaultNode(raft, wal, state, options, hsm, opaque, policy, time, mark);
            if (lostState && !options.Standby)
            {
                node.Recovering = true;
                node.LostState = true;
                logging.CreateLogger("Lockbox.Vault.Cluster").LogWarning(
                    "Node {Node}: its state (term {Term}, last entry {Last}) is behind its mark (term {MarkTerm}, commit {MarkCommit}): a cut log or an older copy of its directory. It rejoins as a standby until it has caught up.",
                    options.NodeId, persistent.Term, wal.LastEntryIndex, mark!.Term, mark.Commit);
                _ = node.RejoinAsync(mark.Commit);
            }
            return node;
        }
        catch
        {
            if (raft is not null) await raft.DisposeAsync().ConfigureAwait(false);
            await wal.DisposeAsync().ConfigureAwait(false);
            await state.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task RejoinAsync(long commit)
    {
        try
        {
            while (_state.AppliedIndex < commit) await Task.Delay(100, _life.Token).ConfigureAwait(false);
            await _raft.RevertToNormalModeAsync(_life.Token).ConfigureAwait(false);
            Recovering = false;
        }
        catch (OperationCanceledException)
        {
            // Stopped before it caught up: it starts as a standby again next time.
        }
    }

    /// <summary>Raises the sealed mark to the term and commit index this member has now (every 100 ms).</summary>
    private void AdvanceMark()
    {
        lock (_markGate)
        {
            try
            {
                var now = new StateMark(Math.Max(((IPersistentState)_wal).Term, _mark?.Term ?? 0), Math.Max(_wal.LastCommittedEntryIndex, _mark?.Commit ?? 0));
                if (now == _mark) return;
                now.Write(_hsm, _options.MarkPath!, _options.NodeId);
                _mark = now;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
            {
                // Retried at the next tick; a node that cannot keep its mark is no worse than one without.
            }
        }
    }

    /// <summary>This member's view: role, term, commit and applied index, and the leader's public URL.</summary>
    public ClusterStatus Status()
    {
        bool leader = !_raft.LeadershipToken.IsCancellationRequested;
        string role = leader ? "leader" : Recovering ? "standby" : _raft.Leader is null ? "candidate" : "follower";
        return new ClusterStatus(Self.Id, role, _raft.Term,
            _wal.LastCommittedEntryIndex, _state.AppliedIndex, LeaderUrl()?.AbsoluteUri);
    }

    public async Task<VaultResult> SubmitAsync(Func<long, VaultCommand> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        EnsureLeader();
        byte[] requestId = RandomNumberGenerator.GetBytes(ReplicatedEntry.RequestIdSize);
        VaultCommand command;
        await _stamp.WaitAsync().ConfigureAwait(false);
        try
        {
            // Time is read once, here, and never runs backwards across leaders: a new leader starts from the
            // newest time the group applied.
            long now = Math.Max(_time.GetUtcNow().ToUnixTimeMilliseconds(), Math.Max(_state.NewestMs, _lastStampMs));
            command = build(now);
            _lastStampMs = now;
        }
        finally
        {
            _stamp.Release();
        }
        if (!CommandValidator.IsValid(command, Opaque, Policy)) return VaultResult.Of(VaultOutcome.InvalidMessage);
        byte[] payload = ReplicatedEntry.Seal(_hsm, requestId, CommandCodec.Serialize(command));
        Task<VaultResult> applied = _state.Expect(requestId);
        using var timeout = new CancellationTokenSource(_options.CommitTimeout);
        try
        {
            // Returns once a majority has the entry in its log, it is committed, this leader's WAL has flushed it
            // (DotNext flushes on every commit; concurrent commands share a flush) and it is applied here.
            // Followers acknowledge from their memory-mapped log and flush when they learn of the commit.
            await _raft.ReplicateAsync(payload, null, timeout.Token).ConfigureAwait(false);
            return await applied.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw Unavailable(noQuorum: true);
        }
        catch (Exception e) when (e is NotLeaderException or QuorumUnreachableException or InvalidOperationException)
        {
            throw Unavailable(noQuorum: e is not NotLeaderException || LeaderUrl() is null);
        }
        finally
        {
            _state.Forget(requestId);
        }
    }

    public async Task<VaultResult> StatusAsync(string accountId)
    {
        await ReadBarrierAsync().ConfigureAwait(false);
        long now = Math.Max(_time.GetUtcNow().ToUnixTimeMilliseconds(), _state.NewestMs);
        return _state.Read(m => m.Status(accountId, now));
    }

    public async Task<VaultResult> RegistrationStartAsync(string accountId, byte[] request, byte[]? managementHash, byte[] enrolmentId)
    {
        await ReadBarrierAsync().ConfigureAwait(false);
        return _state.Read(m => m.RegistrationStart(accountId, request, managementHash, enrolmentId));
    }

    /// <summary>For tests: the applied state as a snapshot would hold it.</summary>
    internal VaultState ReadState() => _state.Read(m => VaultState.Deserialize(m.State.Serialize()));

    private async Task ReadBarrierAsync()
    {
        EnsureLeader();
        using var timeout = new CancellationTokenSource(_options.CommitTimeout);
        try
        {
            // The leader confirms with a majority that it still leads, and waits until its state machine has
            // applied everything committed up to then: no read from a deposed leader's stale copy.
            await _raft.ApplyReadBarrierAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or QuorumUnreachableException or NotLeaderException or InvalidOperationException)
        {
            throw Unavailable(noQuorum: true);
        }
        EnsureLeader();
    }

    private void EnsureLeader()
    {
        if (_raft.LeadershipToken.IsCancellationRequested) throw Unavailable(noQuorum: LeaderUrl() is null);
    }

    private Uri? LeaderUrl()
    {
        EndPoint? leader = _raft.Leader?.EndPoint;
        return leader is null ? null : _options.Members.FirstOrDefault(m => m.RaftEndPoint.Equals(leader))?.PublicUrl;
    }

    private VaultUnavailableException Unavailable(bool noQuorum)
    {
        Uri? leader = LeaderUrl();
        return noQuorum || leader is null || leader == Self.PublicUrl
            ? new VaultUnavailableException(true, null, "No quorum: fewer than a majority of the vault's nodes answer, so it cannot count a guess or answer from committed state. Retry in a few seconds.")
            : new VaultUnavailableException(false, leader, $"This vault node is not the leader; the leader is {leader}.");
    }

    private async Task TickAsync()
    {
        try
        {
            if (_raft.LeadershipToken.IsCancellationRequested) return;
            long now = Math.Max(_time.GetUtcNow().ToUnixTimeMilliseconds(), _state.NewestMs);
            if (_state.Read(m => m.HasExpired(now))) Ticked?.Invoke(this, await SubmitAsync(t => new TickCommand(t)).ConfigureAwait(false));
        }
        catch (VaultUnavailableException)
        {
            // Not the leader, or no majority: the next leader ticks.
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }

    public event EventHandler<VaultResult>? Ticked;

    public async ValueTask DisposeAsync()
    {
        await _life.CancelAsync().ConfigureAwait(false);
        await _ticker.DisposeAsync().ConfigureAwait(false);
        if (_marker is not null) await _marker.DisposeAsync().ConfigureAwait(false);
        if (_options.MarkPath is not null) AdvanceMark(); // the last term and commit seen
        await _raft.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _raft.DisposeAsync().ConfigureAwait(false);
        await _wal.DisposeAsync().ConfigureAwait(false);
        await _state.DisposeAsync().ConfigureAwait(false);
        _stamp.Dispose();
        _life.Dispose();
    }
}
