using Lockbox.Vault.Core.Opaque;
using Lockbox.Vault.Core.State;
using Lockbox.Vault.Protocol;

namespace Lockbox.Vault.Core.Commands;

/// <summary>
/// Everything a command must satisfy before it may be logged (issue 9, finding 3): the account id rule,
/// every size exact, every number in range, every OPAQUE message decodable. The host checks a command
/// with this before appending it; the state machine checks again before applying it, so an entry that
/// slipped into the log anyway (an older build, a bug, a hand-made entry) is a logged no-op, never an
/// exception on replay.
/// </summary>
internal static class CommandValidator
{
    /// <summary>nonce (12) || AES-256-GCM(K, 32 bytes) || tag (16), as the device wraps it.</summary>
    public const int WrappedKeySize = VaultSizes.WrappedKey;

    /// <summary>SHA-256 of the management credential.</summary>
    public const int ManagementHashSize = 32;

    public static bool IsValid(VaultCommand command, IOpaqueServer opaque, VaultPolicy policy) => command switch
    {
        TickCommand => command.AccountId.Length == 0,
        _ when !CredentialIdentifier.IsValidAccountId(command.AccountId) => false,
        EnrolCommand c => Registration(c.Record, c.WrappedKey, c.ManagementHash, c.EnrolmentId, c.Ksf, opaque)
            && c.GuessLimit is >= 1 and <= VaultPolicy.MaxGuessLimit,
        StartLoginCommand c => c.SessionId.Length == VaultStateMachine.SessionIdSize
            && c.Randomness.Length == opaque.KE2RandomnessLength && opaque.IsValidKE1(c.KE1),
        FinishLoginCommand c => c.SessionId.Length == VaultStateMachine.SessionIdSize
            && c.KE3.Length == VaultSizes.KE3 && c.TransportNonce.Length == VaultStateMachine.TransportNonceSize,
        ChangePasswordCommand c => Registration(c.Record, c.WrappedKey, c.ManagementHash, c.EnrolmentId, c.Ksf, opaque),
        ResetPasswordCommand c => Registration(c.Record, c.WrappedKey, c.ManagementHash, c.EnrolmentId, c.Ksf, opaque),
        DeleteCommand c => c.ManagementHash.Length == ManagementHashSize,
        AnchorCommand c => c.ManagementHash.Length == ManagementHashSize && c.Sequence >= 1 && c.SnapshotHash.Length == AnchorCommand.HashSize,
        _ => false,
    };

    private static bool Registration(byte[] record, byte[] wrappedKey, byte[] managementHash, byte[] enrolmentId, KsfParameters? ksf, IOpaqueServer opaque) =>
        record.Length == VaultSizes.RegistrationRecord && opaque.IsValidRecord(record)
        && wrappedKey.Length == WrappedKeySize
        && managementHash.Length == ManagementHashSize
        && (enrolmentId.Length is 0 or CredentialIdentifier.EnrolmentIdSize)
        && (ksf is null || ksf.IsValid);
}
