using Lockbox.Vault.Core.Commands;
using Lockbox.Vault.Core.Opaque;
using Lockbox.Vault.Core.Replication;
using Lockbox.Vault.Core.State;

namespace Lockbox.Vault.Server.Audit;

/// <summary>
/// Puts every account command the HTTP API submits on the audit trail, with its outcome, after it committed (or
/// failed to). Reads (status, registration start) are not operations and are not audited. A login whose failure
/// erased the escrowed key gets a second line, <c>lockout</c>.
/// </summary>
internal sealed class AuditedReplica(IVaultReplica inner, VaultAudit audit) : IVaultReplica
{
    public IOpaqueServer Opaque => inner.Opaque;

    public VaultPolicy Policy => inner.Policy;

    public async Task<VaultResult> SubmitAsync(Func<long, VaultCommand> build)
    {
        VaultCommand? command = null;
        VaultResult result;
        try
        {
            result = await inner.SubmitAsync(now => command = build(now)).ConfigureAwait(false);
        }
        catch (VaultUnavailableException e)
        {
            if (command is not null) audit.Record(Operation(command), command.AccountId, e.NoQuorum ? "no_quorum" : "not_leader", null);
            throw;
        }
        catch (Exception)
        {
            if (command is not null) audit.Record(Operation(command), command.AccountId, "error", null);
            throw;
        }
        if (command is null || command is TickCommand) return result;
        audit.Record(Operation(command), command.AccountId, Outcome(result.Outcome), result.GuessesLeft);
        if (result.Erased && command is StartLoginCommand or FinishLoginCommand && result.Outcome == VaultOutcome.LoginFailed)
            audit.Record("lockout", command.AccountId, "key_erased", 0);
        return result;
    }

    public Task<VaultResult> StatusAsync(string accountId) => inner.StatusAsync(accountId);

    public Task<VaultResult> RegistrationStartAsync(string accountId, byte[] request, byte[]? managementHash, byte[] enrolmentId) =>
        inner.RegistrationStartAsync(accountId, request, managementHash, enrolmentId);

    private static string Operation(VaultCommand command) => command switch
    {
        EnrolCommand => "enrol",
        StartLoginCommand => "login_start",
        FinishLoginCommand => "login_finish",
        ChangePasswordCommand => "password_change",
        ResetPasswordCommand => "password_reset",
        DeleteCommand => "delete",
        AnchorCommand => "anchor",
        _ => command.Kind.ToString().ToLowerInvariant(),
    };

    private static string Outcome(VaultOutcome outcome) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(outcome.ToString());
}
