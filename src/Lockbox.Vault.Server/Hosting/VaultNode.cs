using System.Diagnostics;
using Lockbox.Vault.Core.Commands;
using Lockbox.Vault.Core.Hsm;
using Lockbox.Vault.Core.Opaque;
using Lockbox.Vault.Core.Replication;
using Lockbox.Vault.Core.State;
using Lockbox.Vault.Server.Storage;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>
/// One vault node: the single writer in front of the state machine. Each mutating request becomes a
/// command (time read once here, randomness drawn by the caller), is sealed, appended and fsynced,
/// then applied; only then does its response leave. A lock makes this one-at-a-time, which is what
/// keeps guess counting linearizable under any number of concurrent requests.
/// </summary>
internal sealed class VaultNode : IVaultReplica, IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly CommandLog _log;
    private readonly VaultStateMachine _machine;
    private readonly TimeProvider _time;
    private readonly VaultMetrics _metrics;
    private readonly int _compactEvery;
    private readonly ITimer _ticker;
    private long _lastTimeMs;
    private bool _failed;

    public VaultNode(IHsm hsm, IOpaqueServer opaque, VaultPolicy policy, string stateDir, TimeProvider time, VaultMetrics metrics, int compactEvery = 4096)
    {
        _time = time;
        _metrics = metrics;
        _compactEvery = compactEvery;
        _log = CommandLog.Open(hsm, stateDir, out byte[]? snapshot, out List<byte[]> entries);
        VaultState state = snapshot is null ? new VaultState() : VaultState.Deserialize(snapshot);
        _machine = new VaultStateMachine(hsm, opaque, policy, state);
        foreach (byte[] entry in entries)
        {
            VaultCommand command = CommandCodec.Deserialize(entry);
            _machine.Apply(command);
            _lastTimeMs = Math.Max(_lastTimeMs, command.TimeMs);
        }
        Opaque = opaque;
        _ticker = time.CreateTimer(_ => _ = TickAsync(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public IOpaqueServer Opaque { get; }

    public VaultPolicy Policy => _machine.Policy;

    public long LastSeq => _log.LastSeq;

    /// <summary>An append failed: the node takes no more commands until it is restarted (readiness reports it).</summary>
    public bool Failed => Volatile.Read(ref _failed);

    /// <summary>Logs and applies the command <paramref name="build"/> makes for the current time.</summary>
    public async Task<VaultResult> SubmitAsync(Func<long, VaultCommand> build)
    {
        await _writer.WaitAsync().ConfigureAwait(false);
        long start = Stopwatch.GetTimestamp();
        try
        {
            if (_failed) throw new InvalidOperationException("The vault's state log failed earlier; restart the node.");
            long now = Math.Max(_time.GetUtcNow().ToUnixTimeMilliseconds(), _lastTimeMs);
            VaultCommand command = build(now);
            // Validated before it is logged (issue 9, finding 3): what cannot apply is never written.
            if (!CommandValidator.IsValid(command, Opaque, _machine.Policy)) return VaultResult.Of(VaultOutcome.InvalidMessage);
            byte[] entry = CommandCodec.Serialize(command);
            try
            {
                _log.Append(entry); // durable before the effect is visible
            }
            catch
            {
                _failed = true;
                throw;
            }
            _lastTimeMs = now;
            long erasedBefore = _machine.KeysErased;
            VaultResult result = _machine.Apply(command);
            if (_machine.KeysErased > erasedBefore) _metrics.KeysErased.Add(_machine.KeysErased - erasedBefore);
            if (command is DeleteCommand && result.Outcome == VaultOutcome.Ok) _metrics.KeysErased.Add(1);
            _metrics.Commands.Add(1, new KeyValuePair<string, object?>("kind", command.Kind.ToString()), new KeyValuePair<string, object?>("outcome", result.Outcome.ToString()));
            // An erased, replaced or deleted wrapped key must not live on in older log entries (its Enrol):
            // snapshot at once, which replaces the log, so the disk holds only the current state.
            bool dropsKey = _machine.KeysErased > erasedBefore
                || (result.Outcome == VaultOutcome.Ok && command is DeleteCommand or ChangePasswordCommand or ResetPasswordCommand);
            if (dropsKey || _log.EntriesSinceSnapshot >= _compactEvery) _log.Compact(_machine.State.Serialize());
            return result;
        }
        finally
        {
            _metrics.ApplySeconds.Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
            _writer.Release();
        }
    }

    public async Task<VaultResult> StatusAsync(string accountId)
    {
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            return _machine.Status(accountId, _time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Reads the account (enrolled or not) under the writer lock; logs and counts nothing.</summary>
    public async Task<VaultResult> RegistrationStartAsync(string accountId, byte[] request, byte[]? managementHash, byte[] enrolmentId)
    {
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            return _machine.RegistrationStart(accountId, request, managementHash, enrolmentId);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>For tests and diagnostics: the state as the snapshot would hold it.</summary>
    internal async Task<VaultState> ReadStateAsync()
    {
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            return VaultState.Deserialize(_machine.State.Serialize());
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task TickAsync()
    {
        bool due;
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            due = !_failed && _machine.HasExpired(_time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        finally
        {
            _writer.Release();
        }
        if (due) Ticked?.Invoke(this, await SubmitAsync(now => new TickCommand(now)).ConfigureAwait(false));
    }

    public event EventHandler<VaultResult>? Ticked;

    public void Dispose()
    {
        _ticker.Dispose();
        _writer.Wait();
        _log.Dispose();
        _writer.Dispose();
    }
}
