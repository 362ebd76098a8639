using System.Buffers;
using System.Collections.Concurrent;
using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Commands;
using Lockbox.Vault.Core.Hsm;
using Lockbox.Vault.Core.Opaque;
using Lockbox.Vault.Core.State;

namespace Lockbox.Vault.Cluster;

/// <summary>
/// The vault's deterministic state machine behind DotNext's write-ahead log: every member applies the same
/// committed entries in the same order, opening each with the fleet sealing key its own HSM holds. An entry
/// that does not authenticate, does not decode, repeats a request id or is older than the replay window is a
/// deterministic no-op on every member. Snapshots are sealed the same way before they reach the disk:
/// <code>
/// snapshot = "LBXRSNP1" || HSM-Seal(newest_ms (i64) || n (i32) || n × (time_ms (i64) || request_id (hex text)) || state, aad = "lockbox/v1/raft-snapshot")
/// </code>
/// </summary>
internal sealed class ReplicatedVaultState : SimpleStateMachine
{
    private static ReadOnlySpan<byte> SnapshotMagic => "LBXRSNP1"u8;
    private static ReadOnlySpan<byte> SnapshotLabel => "lockbox/v1/raft-snapshot"u8;

    private readonly Lock _gate = new();
    private readonly IHsm _hsm;
    private readonly IOpaqueServer _opaque;
    private readonly VaultPolicy _policy;
    private readonly int _compactEvery;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<VaultResult>> _waiting = new(StringComparer.Ordinal);
    private VaultStateMachine _machine;
    private ReplayWindow _window = new();
    private long _sinceSnapshot;

    public ReplicatedVaultState(DirectoryInfo location, IHsm hsm, IOpaqueServer opaque, VaultPolicy policy, int compactEvery)
        : base(location)
    {
        _hsm = hsm;
        _opaque = opaque;
        _policy = policy;
        _compactEvery = compactEvery;
        _machine = new VaultStateMachine(hsm, opaque, policy);
    }

    /// <summary>Index of the last entry this member applied.</summary>
    public long AppliedIndex { get; private set; }

    /// <summary>The newest command time applied; the leader never stamps a command earlier.</summary>
    public long NewestMs
    {
        get { lock (_gate) return _window.NewestMs; }
    }

    /// <summary>Wrapped keys erased since start (for metrics).</summary>
    public long KeysErased
    {
        get { lock (_gate) return _machine.KeysErased; }
    }

    /// <summary>Registers interest in the result of the entry with <paramref name="requestId"/> (before it is replicated).</summary>
    public Task<VaultResult> Expect(ReadOnlySpan<byte> requestId)
    {
        var waiter = new TaskCompletionSource<VaultResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[Convert.ToHexStringLower(requestId)] = waiter;
        return waiter.Task;
    }

    public void Forget(ReadOnlySpan<byte> requestId) => _waiting.TryRemove(Convert.ToHexStringLower(requestId), out _);

    /// <summary>Runs a read against the applied state, one at a time with <see cref="ApplyAsync"/>.</summary>
    public T Read<T>(Func<VaultStateMachine, T> read)
    {
        lock (_gate) return read(_machine);
    }

    protected override ValueTask<bool> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        AppliedIndex = entry.Index;
        if (entry.IsConfiguration) return ValueTask.FromResult(false);
        byte[] payload = Payload(entry);
        if (payload.Length == 0) return ValueTask.FromResult(false); // a new leader's no-op entry
        bool snapshot = false;
        if (ReplicatedEntry.Open(_hsm, payload) is not ({ } requestId, { } bytes)) return ValueTask.FromResult(false);
        VaultResult result;
        VaultCommand? command = null;
        try
        {
            command = CommandCodec.Deserialize(bytes);
        }
        catch (FormatException)
        {
            // Sealed by a fleet member but not a command this version reads: a no-op everywhere.
        }
        lock (_gate)
        {
            if (command is null || !_window.Admit(requestId, command.TimeMs))
            {
                result = VaultResult.Of(VaultOutcome.InvalidMessage);
            }
            else
            {
                long erasedBefore = _machine.KeysErased;
                result = _machine.Apply(command);
                // A key erased, replaced or deleted must not live on in older entries: snapshot at once, so the WAL
                // can drop what came before it.
                snapshot = _machine.KeysErased > erasedBefore
                    || (result.Outcome == VaultOutcome.Ok && command is DeleteCommand or ChangePasswordCommand or ResetPasswordCommand);
            }
            if (++_sinceSnapshot >= _compactEvery) snapshot = true;
            if (snapshot) _sinceSnapshot = 0;
        }
        if (_waiting.TryRemove(Convert.ToHexStringLower(requestId), out TaskCompletionSource<VaultResult>? waiter)) waiter.TrySetResult(result);
        return ValueTask.FromResult(snapshot);
    }

    private static byte[] Payload(in LogEntry entry)
    {
        if (entry.TryGetPayload(out ReadOnlySequence<byte> sequence)) return sequence.ToArray();
        var buffer = new ArrayBufferWriter<byte>();
        foreach (ReadOnlyMemory<byte> block in entry.GetPayload()) buffer.Write(block.Span);
        return buffer.WrittenSpan.ToArray();
    }

    protected override ValueTask PersistAsync(IAsyncBinaryWriter writer, CancellationToken token)
    {
        byte[] plain;
        lock (_gate)
        {
            var w = new FieldWriter();
            w.I64(_window.NewestMs);
            (long TimeMs, string Id)[] seen = [.. _window.Entries];
            w.I32(seen.Length);
            foreach ((long time, string id) in seen)
            {
                w.I64(time);
                w.Text(id);
            }
            w.Bytes(_machine.State.Serialize());
            plain = w.ToArray();
        }
        byte[] sealedState = _hsm.Seal(plain, SnapshotLabel);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(plain);
        byte[] file = new byte[SnapshotMagic.Length + sealedState.Length];
        SnapshotMagic.CopyTo(file);
        sealedState.CopyTo(file, SnapshotMagic.Length);
        return writer.Invoke(file, token);
    }

    protected override async ValueTask RestoreAsync(FileInfo snapshotFile, CancellationToken token)
    {
        byte[] file = await File.ReadAllBytesAsync(snapshotFile.FullName, token).ConfigureAwait(false);
        if (file.Length < SnapshotMagic.Length || !file.AsSpan(0, SnapshotMagic.Length).SequenceEqual(SnapshotMagic))
            throw new VaultConfigurationException($"Vault snapshot {snapshotFile.FullName} is not a Lockbox replicated snapshot.");
        byte[] plain = _hsm.Open(file.AsSpan(SnapshotMagic.Length), SnapshotLabel)
            ?? throw new VaultConfigurationException($"Vault snapshot {snapshotFile.FullName} failed authentication: tampered, or sealed by another fleet.");
        try
        {
            var r = new FieldReader(plain);
            long newest = r.I64();
            int count = r.I32();
            var seen = new List<(long, string)>(Math.Min(count, 1 << 16));
            for (int i = 0; i < count; i++) seen.Add((r.I64(), r.Text()));
            VaultState state = VaultState.Deserialize(r.Bytes());
            if (!r.AtEnd) throw new FormatException("Trailing bytes after the replicated snapshot.");
            var window = new ReplayWindow();
            window.Restore(newest, seen);
            lock (_gate)
            {
                _machine = new VaultStateMachine(_hsm, _opaque, _policy, state);
                _window = window;
            }
        }
        catch (FormatException e)
        {
            throw new VaultConfigurationException($"Vault snapshot {snapshotFile.FullName} does not decode: {e.Message}", e);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(plain);
        }
    }
}
