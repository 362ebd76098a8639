using Microsoft.AspNetCore.Http;

namespace Lockbox.Vault.Server.Http;

/// <summary>Builds the JSON error responses; the one place their codes and messages are written.</summary>
internal static class ApiErrors
{
    public static IResult BadRequest(string error, string message) => Results.Json(new ErrorResponse(error, message), statusCode: StatusCodes.Status400BadRequest);

    public static IResult Of(int status, string error, string message, int? guessesLeft = null, bool? locked = null) =>
        Results.Json(new ErrorResponse(error, message, guessesLeft, locked), statusCode: status);

    public static Task WriteAsync(HttpContext context, int status, string error, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorResponse(error, message));
    }
}
