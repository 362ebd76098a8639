using System.Security.Cryptography;
using Lockbox.Cryptography;
using Lockbox.Vault.Core.Commands;
using Lockbox.Vault.Core.Opaque;
using Lockbox.Vault.Core.Replication;
using Lockbox.Vault.Core.State;
using Lockbox.Vault.Protocol;
using Lockbox.Vault.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lockbox.Vault.Server.Http;

/// <summary>
/// The HTTP API of docs/VAULT-API.md. Handlers only validate, build commands and map outcomes; every
/// endpoint a device acts on carries <see cref="SignedEndpoint"/>, so <see cref="ResponseSigning"/> signs its answers.
/// </summary>
internal static class VaultEndpoints
{
    public const string ApiVersion = "2";

    /// <param name="app">Where to map.</param>
    /// <param name="node">The vault node.</param>
    /// <param name="fleetKey">The fleet signing key (its text form is shown by /v1/server).</param>
    /// <param name="nodes">The vault's public URLs, read when hello is answered (after Kestrel bound its addresses).</param>
    /// <param name="fleet">The fleet map and this node's group, served in the signed hello.</param>
    public static void Map(IEndpointRouteBuilder app, IVaultReplica node, FleetSigningKey fleetKey, Func<IReadOnlyList<string>> nodes, FleetRouting fleet)
    {
        app.MapGet("/health", () => Results.Json(new { status = "ok" })).AllowAnonymous();
        app.MapGet("/v1/server", () => Results.Json(new ServerInfoResponse(fleetKey.Text,
            RequestBody.Encode(node.Opaque.ServerPublicKey), "OPAQUE-3DH ristretto255-SHA512", "", node.Policy.DefaultGuessLimit, ApiVersion))).AllowAnonymous();
        app.MapPost("/v1/hello", (Func<HttpContext, Task<IResult>>)(c => Hello(c, node, nodes, fleet))).WithMetadata(new SignedEndpoint(VaultSigning.Endpoints.Hello)).AllowAnonymous();

        RouteGroupBuilder account = app.MapGroup("/v1/accounts/{accountId}").RequireAuthorization(Auth.RoutedAccountRequirement.Policy)
            .AddEndpointFilter(async (context, next) =>
            {
                try
                {
                    return await next(context).ConfigureAwait(false);
                }
                catch (VaultUnavailableException e)
                {
                    return Unavailable(context.HttpContext, e);
                }
            });
        account.MapPost("/registration/start", (HttpContext c, string accountId) => RegistrationStart(c, accountId, node))
            .WithMetadata(new SignedEndpoint(VaultSigning.Endpoints.RegistrationStart));
        account.MapPost("/enrol", (HttpContext c, string accountId) => Enrol(c, accountId, node))
            .WithMetadata(new SignedEndpoint(VaultSigning.Endpoints.Enrol));
        account.MapPost("/login/start", (HttpContext c, string accountId) => LoginStart(c, accountId, node))
            .WithMetadata(new SignedEndpoint(VaultSigning.Endpoints.LoginStart));
        account.MapPost("/login/finish", (HttpContext c, string accountId) => LoginFinish(c, accountId, node))
            .WithMetadata(new SignedEndpoint(VaultSigning.Endpoints.LoginFinish));
        account.MapPost("/password/change", (HttpContext c, string accountId) => Password(c, accountId, node, reset: false))
            .WithMetadata(new SignedEndpoint(VaultSigning.Endpoints.PasswordChange));
        account.MapPost("/password/reset", (HttpContext c, string accountId) => Password(c, accountId, node, reset: true))
            .WithMetadata(new SignedEndpoint(VaultSigning.Endpoints.PasswordReset));
        account.MapPost("/delete", (HttpContext c, string accountId) => Delete(c, accountId, node))
            .WithMetadata(new SignedEndpoint(VaultSigning.Endpoints.Delete));
        account.MapPost("/status", (HttpContext c, string accountId) => Status(c, accountId, node))
            .WithMetadata(new SignedEndpoint(VaultSigning.Endpoints.Status));
        account.MapPost("/anchor", (HttpContext c, string accountId) => Anchor(c, accountId, node))
            .WithMetadata(new SignedEndpoint(VaultSigning.Endpoints.Anchor));
    }

    private static async Task<IResult> Hello(HttpContext context, IVaultReplica node, Func<IReadOnlyList<string>> nodes, FleetRouting fleet)
    {
        (HelloRequest? body, IResult? error) = await RequestBody.ReadAsync<HelloRequest>(context).ConfigureAwait(false);
        if (body is null) return error!;
        return Results.Json(new HelloResponse(RequestBody.Encode(node.Opaque.ServerPublicKey), nodes(), node.Policy.DefaultGuessLimit, ApiVersion,
            fleet.Map.ToModel(), fleet.Group));
    }

    private static async Task<IResult> RegistrationStart(HttpContext context, string accountId, IVaultReplica node)
    {
        (RegistrationStartRequest? body, IResult? error) = await RequestBody.ReadAsync<RegistrationStartRequest>(context).ConfigureAwait(false);
        if (body is null) return error!;
        if (!RequestBody.TryField(body.RegistrationRequest, "registrationRequest", VaultSizes.RegistrationRequest, out byte[] request, out error)) return error!;
        byte[]? hash = null;
        if (body.ManagementCredential is not null)
        {
            if (!RequestBody.TryField(body.ManagementCredential, "managementCredential", VaultSizes.ManagementCredential, out byte[] credential, out error)) return error!;
            hash = HashCredential(credential);
        }
        byte[] enrolmentId = RandomNumberGenerator.GetBytes(CredentialIdentifier.EnrolmentIdSize);
        VaultResult result = await node.RegistrationStartAsync(accountId, request, hash, enrolmentId).ConfigureAwait(false);
        return result.Outcome switch
        {
            VaultOutcome.Ok => Results.Json(new RegistrationStartResponse(RequestBody.Encode(result.RegistrationResponse!), RequestBody.Encode(enrolmentId))),
            VaultOutcome.InvalidMessage => ApiErrors.BadRequest("invalid_message", "registrationRequest is not a valid OPAQUE RegistrationRequest."),
            VaultOutcome.AlreadyEnrolled => ApiErrors.Of(StatusCodes.Status409Conflict, VaultErrorCodes.AlreadyEnrolled,
                "This account already has an escrowed key: a new registration needs the management credential (password change or reset)."),
            _ => Map(result),
        };
    }

    /// <summary>The enrolment id and KSF parameters every registration carries; null with <paramref name="error"/> set when invalid.</summary>
    private static (byte[] EnrolmentId, KsfParameters Ksf)? Enrolment(string? enrolmentId, KsfModel? model, out IResult? error)
    {
        if (!RequestBody.TryField(enrolmentId, "enrolmentId", CredentialIdentifier.EnrolmentIdSize, out byte[] id, out error)) return null;
        if (model is not { T: { } t, M: { } m, P: { } p } || !new KsfParameters(t, m, p).IsValid)
        {
            error = ApiErrors.BadRequest(model is null ? "missing_field" : "invalid_field", "Field '" + KsfParameters.Rule + "'.");
            return null;
        }
        return (id, new KsfParameters(t, m, p));
    }

    private static async Task<IResult> Enrol(HttpContext context, string accountId, IVaultReplica node)
    {
        (EnrolRequest? body, IResult? error) = await RequestBody.ReadAsync<EnrolRequest>(context).ConfigureAwait(false);
        if (body is null) return error!;
        if (!RequestBody.TryField(body.RegistrationRecord, "registrationRecord", VaultSizes.RegistrationRecord, out byte[] record, out error)
            || !RequestBody.TryField(body.WrappedKey, "wrappedKey", VaultSizes.WrappedKey, out byte[] wrapped, out error)
            || !RequestBody.TryField(body.ManagementCredential, "managementCredential", VaultSizes.ManagementCredential, out byte[] credential, out error))
            return error!;
        if (Enrolment(body.EnrolmentId, body.KeyStretching, out error) is not { } enrolment) return error!;
        (byte[] enrolmentId, KsfParameters ksf) = enrolment;
        if (!node.Opaque.IsValidRecord(record)) return ApiErrors.BadRequest("invalid_message", "registrationRecord is not a valid OPAQUE RegistrationRecord.");
        int limit = body.GuessLimit ?? node.Policy.DefaultGuessLimit;
        if (limit is < 1 or > VaultPolicy.MaxGuessLimit)
            return ApiErrors.BadRequest("invalid_field", $"Field 'guessLimit' must be between 1 and {VaultPolicy.MaxGuessLimit}.");
        byte[] hash = HashCredential(credential);
        VaultResult result = await node.SubmitAsync(now => new EnrolCommand(accountId, now, record, wrapped, hash, limit, enrolmentId, ksf)).ConfigureAwait(false);
        return result.Outcome == VaultOutcome.Ok
            ? Results.Json(new AccountResponse(result.Version!.Value, result.GuessLimit!.Value, result.GuessesLeft!.Value), statusCode: StatusCodes.Status201Created)
            : Map(result);
    }

    private static async Task<IResult> LoginStart(HttpContext context, string accountId, IVaultReplica node)
    {
        (LoginStartRequest? body, IResult? error) = await RequestBody.ReadAsync<LoginStartRequest>(context).ConfigureAwait(false);
        if (body is null) return error!;
        if (!RequestBody.TryField(body.Ke1, "ke1", VaultSizes.KE1, out byte[] ke1, out error)) return error!;
        if (!node.Opaque.IsValidKE1(ke1)) return ApiErrors.BadRequest("invalid_message", "ke1 is not a valid OPAQUE KE1.");
        // The device's attempt id (issue 10) becomes the session id, so the same attempt retried on another node is
        // recognised and not counted twice; without one, the vault draws the session id.
        byte[] session;
        if (body.AttemptId is null) session = RandomNumberGenerator.GetBytes(VaultStateMachine.SessionIdSize);
        else if (!RequestBody.TryField(body.AttemptId, "attemptId", VaultStateMachine.SessionIdSize, out session, out error)) return error!;
        byte[] randomness = RandomNumberGenerator.GetBytes(node.Opaque.KE2RandomnessLength);
        VaultResult result = await node.SubmitAsync(now => new StartLoginCommand(accountId, now, ke1, session, randomness)).ConfigureAwait(false);
        CryptographicOperations.ZeroMemory(randomness);
        return result.Outcome == VaultOutcome.Ok
            ? Results.Json(new LoginStartResponse(RequestBody.Encode(result.SessionId!), RequestBody.Encode(result.KE2!), result.GuessesLeft!.Value))
            : Map(result);
    }

    private static async Task<IResult> LoginFinish(HttpContext context, string accountId, IVaultReplica node)
    {
        (LoginFinishRequest? body, IResult? error) = await RequestBody.ReadAsync<LoginFinishRequest>(context).ConfigureAwait(false);
        if (body is null) return error!;
        if (!RequestBody.TryField(body.SessionId, "sessionId", VaultStateMachine.SessionIdSize, out byte[] session, out error)
            || !RequestBody.TryField(body.Ke3, "ke3", VaultSizes.KE3, out byte[] ke3, out error))
            return error!;
        byte[] nonce = RandomNumberGenerator.GetBytes(VaultStateMachine.TransportNonceSize);
        VaultResult result = await node.SubmitAsync(now => new FinishLoginCommand(accountId, now, session, ke3, nonce)).ConfigureAwait(false);
        return result.Outcome == VaultOutcome.Ok
            ? Results.Json(new LoginFinishResponse(RequestBody.Encode(result.SealedKey!), result.GuessesLeft!.Value, AnchorOf(result)))
            : Map(result);
    }

    private static async Task<IResult> Password(HttpContext context, string accountId, IVaultReplica node, bool reset)
    {
        (PasswordRequest? body, IResult? error) = await RequestBody.ReadAsync<PasswordRequest>(context).ConfigureAwait(false);
        if (body is null) return error!;
        if (!RequestBody.TryField(body.ManagementCredential, "managementCredential", VaultSizes.ManagementCredential, out byte[] credential, out error)
            || !RequestBody.TryField(body.RegistrationRecord, "registrationRecord", VaultSizes.RegistrationRecord, out byte[] record, out error)
            || !RequestBody.TryField(body.WrappedKey, "wrappedKey", VaultSizes.WrappedKey, out byte[] wrapped, out error))
            return error!;
        if (Enrolment(body.EnrolmentId, body.KeyStretching, out error) is not { } enrolment) return error!;
        (byte[] enrolmentId, KsfParameters ksf) = enrolment;
        if (!node.Opaque.IsValidRecord(record)) return ApiErrors.BadRequest("invalid_message", "registrationRecord is not a valid OPAQUE RegistrationRecord.");
        byte[] hash = HashCredential(credential);
        VaultResult result = await node.SubmitAsync(now => reset
            ? new ResetPasswordCommand(accountId, now, hash, record, wrapped, enrolmentId, ksf)
            : new ChangePasswordCommand(accountId, now, hash, record, wrapped, enrolmentId, ksf)).ConfigureAwait(false);
        return result.Outcome == VaultOutcome.Ok
            ? Results.Json(new AccountResponse(result.Version!.Value, result.GuessLimit!.Value, result.GuessesLeft!.Value))
            : Map(result);
    }

    private static async Task<IResult> Delete(HttpContext context, string accountId, IVaultReplica node)
    {
        (DeleteRequest? body, IResult? error) = await RequestBody.ReadAsync<DeleteRequest>(context).ConfigureAwait(false);
        if (body is null) return error!;
        if (!RequestBody.TryField(body.ManagementCredential, "managementCredential", VaultSizes.ManagementCredential, out byte[] credential, out error)) return error!;
        byte[] hash = HashCredential(credential);
        VaultResult result = await node.SubmitAsync(now => new DeleteCommand(accountId, now, hash)).ConfigureAwait(false);
        return result.Outcome == VaultOutcome.Ok ? Results.Json(new DeleteResponse(true)) : Map(result);
    }

    private static async Task<IResult> Status(HttpContext context, string accountId, IVaultReplica node)
    {
        (StatusRequest? body, IResult? error) = await RequestBody.ReadAsync<StatusRequest>(context).ConfigureAwait(false);
        if (body is null) return error!;
        VaultResult result = await node.StatusAsync(accountId).ConfigureAwait(false);
        KsfModel? ksf = result.Ksf is { } k ? new KsfModel(k.Iterations, k.MemoryKiB, k.Parallelism) : null;
        return result.Outcome == VaultOutcome.Ok
            ? Results.Json(new StatusResponse(true, result.Locked, result.Erased, result.GuessesLeft!.Value, result.GuessLimit!.Value, result.Version!.Value, ksf))
            : Map(result);
    }

    /// <summary>
    /// A replicated node that cannot answer from committed state: <c>421 not_leader</c> naming the leader's public
    /// URL (the device retries there, if its signed hello listed it), or <c>503 no_quorum</c>. Both are signed like
    /// every answer, so a network attacker cannot fake a redirect.
    /// </summary>
    private static IResult Unavailable(HttpContext context, VaultUnavailableException e)
    {
        context.Response.Headers.RetryAfter = "1";
        if (e.NoQuorum || e.LeaderUrl is null)
            return ApiErrors.Of(StatusCodes.Status503ServiceUnavailable, VaultErrorCodes.NoQuorum, e.Message);
        Microsoft.AspNetCore.Mvc.ProblemDetails problem = ApiErrors.Problem(StatusCodes.Status421MisdirectedRequest, VaultErrorCodes.NotLeader, e.Message);
        problem.Extensions["leader"] = e.LeaderUrl.AbsoluteUri;
        return Results.Problem(problem);
    }

    /// <summary>
    /// <c>POST …/anchor</c> (issue 10): advances the account's freshness anchor, only with the management
    /// credential and only forward; committed like every command.
    /// </summary>
    private static async Task<IResult> Anchor(HttpContext context, string accountId, IVaultReplica node)
    {
        (AnchorRequest? body, IResult? error) = await RequestBody.ReadAsync<AnchorRequest>(context).ConfigureAwait(false);
        if (body is null) return error!;
        if (!RequestBody.TryField(body.ManagementCredential, "managementCredential", VaultSizes.ManagementCredential, out byte[] credential, out error)
            || !RequestBody.TryField(body.Hash, "hash", AnchorCommand.HashSize, out byte[] snapshotHash, out error))
            return error!;
        if (body.Sequence is not { } sequence) return ApiErrors.BadRequest("missing_field", "Field 'sequence' is required.");
        if (sequence < 1) return ApiErrors.BadRequest("invalid_field", "Field 'sequence' must be at least 1.");
        byte[] hash = HashCredential(credential);
        VaultResult result = await node.SubmitAsync(now => new AnchorCommand(accountId, now, hash, sequence, snapshotHash)).ConfigureAwait(false);
        return result.Outcome switch
        {
            VaultOutcome.Ok => Results.Json(AnchorOf(result)),
            VaultOutcome.AnchorStale => Stale(result),
            _ => Map(result),
        };
    }

    private static IResult Stale(VaultResult result)
    {
        Microsoft.AspNetCore.Mvc.ProblemDetails problem = ApiErrors.Problem(StatusCodes.Status409Conflict, VaultErrorCodes.AnchorStale,
            "The vault already anchors this account at a newer (or a different) snapshot; the anchor only moves forward.");
        problem.Extensions["anchor"] = AnchorOf(result);
        return Results.Problem(problem);
    }

    private static AnchorModel? AnchorOf(VaultResult result) =>
        result.AnchorSequence is > 0 && result.AnchorHash is { Length: > 0 } anchorHash ? new AnchorModel(result.AnchorSequence.Value, RequestBody.Encode(anchorHash)) : null;

    private static byte[] HashCredential(byte[] credential)
    {
        byte[] hash = SHA256.HashData(credential);
        CryptographicOperations.ZeroMemory(credential);
        return hash;
    }

    private static IResult Map(VaultResult result) => result.Outcome switch
    {
        VaultOutcome.AlreadyEnrolled => ApiErrors.Of(StatusCodes.Status409Conflict, VaultErrorCodes.AlreadyEnrolled,
            "This account already has an escrowed key; change or reset the password, or delete the escrow first."),
        VaultOutcome.NotEnrolled => ApiErrors.Of(StatusCodes.Status404NotFound, VaultErrorCodes.NotEnrolled, "This account has no escrowed key: nothing is escrowed here."),
        VaultOutcome.Locked => ApiErrors.Of(StatusCodes.Status423Locked, VaultErrorCodes.Locked,
            "Too many wrong passwords: the escrowed backup key was erased and is gone for good.", 0, true),
        VaultOutcome.GuessesExhausted => ApiErrors.Of(StatusCodes.Status423Locked, VaultErrorCodes.NoGuessesLeft,
            "No guesses left: the remaining guesses are held by logins still pending. The escrowed key still exists; it is erased when they fail or expire, unless one of them succeeds.", 0, false),
        VaultOutcome.LoginFailed => ApiErrors.Of(StatusCodes.Status403Forbidden, VaultErrorCodes.LoginFailed,
            result.Erased ? "Wrong password. That was the last guess: the escrowed backup key was erased and is gone for good."
            : result.GuessesLeft == 0 ? "Wrong password (0 guesses left; the escrowed key is erased when the logins still pending fail or expire)."
            : $"Wrong password ({result.GuessesLeft} guesses left).",
            result.GuessesLeft ?? 0, result.Erased),
        VaultOutcome.UnknownSession => ApiErrors.Of(StatusCodes.Status409Conflict, "unknown_session",
            "No pending login with this session id: never started, already finished, or expired. Start a new login."),
        VaultOutcome.Forbidden => ApiErrors.Of(StatusCodes.Status403Forbidden, VaultErrorCodes.ManagementCredentialInvalid,
            "The management credential does not match: only a holder of the backup key can do this."),
        VaultOutcome.InvalidMessage => ApiErrors.BadRequest("invalid_message", "An OPAQUE message in the request is not valid."),
        _ => ApiErrors.Of(StatusCodes.Status500InternalServerError, "internal", "Unexpected vault outcome."),
    };
}
