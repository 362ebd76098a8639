using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Lockbox.Vault.Server.Http;

/// <summary>
/// Builds every error response: RFC 9457 problem details (<c>application/problem+json</c>) whose
/// extension members <c>error</c>, <c>message</c> and, where they apply, <c>guessesLeft</c> and <c>locked</c>
/// keep the shape clients of API version 1 read. The one place their codes and messages are written.
/// </summary>
internal static class ApiErrors
{
    /// <summary>The problem type URI prefix; the machine code follows (docs/VAULT-API.md, "Errors").</summary>
    public const string TypePrefix = "urn:lockbox:vault:error:";

    public static IResult BadRequest(string error, string message) => Of(StatusCodes.Status400BadRequest, error, message);

    public static IResult Of(int status, string error, string message, int? guessesLeft = null, bool? locked = null) =>
        Results.Problem(Problem(status, error, message, guessesLeft, locked));

    public static Task WriteAsync(HttpContext context, int status, string error, string message) =>
        Of(status, error, message).ExecuteAsync(context);

    public static ProblemDetails Problem(int status, string error, string message, int? guessesLeft = null, bool? locked = null)
    {
        var problem = new ProblemDetails
        {
            Type = TypePrefix + error,
            Title = error,
            Status = status,
            Detail = message,
        };
        problem.Extensions["error"] = error;
        problem.Extensions["message"] = message;
        if (guessesLeft is not null) problem.Extensions["guessesLeft"] = guessesLeft.Value;
        if (locked is not null) problem.Extensions["locked"] = locked.Value;
        return problem;
    }
}
