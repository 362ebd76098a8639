using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lockbox.Vault.Server.Health;

/// <summary>
/// Writes a health report as JSON: the overall status and, per check, its status and fixed description (never an
/// exception's text, which could name a token or a path an outsider should not learn). 200 when healthy, 503 otherwise.
/// </summary>
internal static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var checks = report.Entries.ToDictionary(e => e.Key, e => new
        {
            status = e.Value.Status.ToString().ToLowerInvariant(),
            description = e.Value.Description,
            data = e.Value.Data.Count == 0 ? null : e.Value.Data,
        });
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString().ToLowerInvariant(), checks }));
    }
}
