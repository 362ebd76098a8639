using Lockbox.Vault.Core;
using System.Net;
using System.Threading.RateLimiting;
using Lockbox.Vault.Server.Auth;
using Lockbox.Vault.Server.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>
/// The public API's services and middleware, in order: forwarded headers (only from configured proxies),
/// errors as problem details, routing, response signing, the fleet group check, bearer authentication, rate limits (per client address, then per
/// authenticated account), authorization on the matched route; every answer of a signed endpoint (401/403/429 too) is signed by the fleet key (every endpoint needs the account policy or
/// an explicit <c>AllowAnonymous</c>), endpoints.
/// </summary>
internal static class VaultPipeline
{
    public static void AddServices(IServiceCollection services, VaultServerOptions options, IAccountCredentialValidator validator, VaultMetrics metrics)
    {
        services.AddSingleton(validator);
        services.AddSingleton(metrics);
        services.AddProblemDetails();
        services.AddAuthentication(BearerAccountHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerAccountHandler>(BearerAccountHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(RoutedAccountRequirement.Policy, p => p
                .AddAuthenticationSchemes(BearerAccountHandler.SchemeName)
                .RequireAuthenticatedUser()
                .AddRequirements(new RoutedAccountRequirement()))
            // Anything not marked otherwise (a new endpoint, an unmatched path) needs an authenticated caller.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(BearerAccountHandler.SchemeName).RequireAuthenticatedUser().Build());
        services.AddSingleton<IAuthorizationHandler, RoutedAccountHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AccountAuthorizationResults>();
        services.AddRateLimiter(r => ConfigureRateLimits(r, options));
        if (TrustedProxies(options) is { } forwarded) services.Configure<ForwardedHeadersOptions>(o => Copy(forwarded, o));
    }

    public static void Use(WebApplication app, VaultServerOptions options)
    {
        if (TrustedProxies(options) is not null) app.UseForwardedHeaders();
        app.UseExceptionHandler(e => e.Run(c => ApiErrors.WriteAsync(c, StatusCodes.Status500InternalServerError, "internal",
            "The vault failed to handle this request; only what was already acknowledged is durable. Retry later.")));
        app.UseStatusCodePages(c => c.HttpContext.Response.HasStarted || c.HttpContext.Response.ContentLength is not null
            ? Task.CompletedTask
            : StatusPage(c.HttpContext));
        app.UseRouting();
        app.UseMiddleware<ResponseSigning>(); // after routing (it needs the endpoint), before authentication: every answer is signed
        app.UseMiddleware<GroupGuard>(); // an account of another group is refused before anything else looks at it
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
    }

    /// <summary>The forwarded-headers configuration, or null when no proxy is trusted (then the headers are ignored).</summary>
    private static ForwardedHeadersOptions? TrustedProxies(VaultServerOptions options)
    {
        if (options.KnownProxies.Count == 0 && options.KnownNetworks.Count == 0) return null;
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, ForwardLimit = 1 };
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (string proxy in options.KnownProxies)
        {
            if (!IPAddress.TryParse(proxy, out IPAddress? address))
                throw new VaultConfigurationException($"Trusted proxy '{proxy}' is not an IP address.");
            forwarded.KnownProxies.Add(address);
        }
        foreach (string network in options.KnownNetworks)
        {
            if (!System.Net.IPNetwork.TryParse(network, out System.Net.IPNetwork parsed))
                throw new VaultConfigurationException($"Trusted proxy network '{network}' is not a CIDR range such as 10.0.0.0/8.");
            forwarded.KnownIPNetworks.Add(parsed);
        }
        return forwarded;
    }

    private static void Copy(ForwardedHeadersOptions from, ForwardedHeadersOptions to)
    {
        to.ForwardedHeaders = from.ForwardedHeaders;
        to.ForwardLimit = from.ForwardLimit;
        to.KnownProxies.Clear();
        to.KnownIPNetworks.Clear();
        foreach (IPAddress proxy in from.KnownProxies) to.KnownProxies.Add(proxy);
        foreach (System.Net.IPNetwork network in from.KnownIPNetworks) to.KnownIPNetworks.Add(network);
    }

    /// <summary>A bare 404/405 from routing gets a problem body like every other error.</summary>
    private static Task StatusPage(HttpContext context) => context.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, "not_found", "No such endpoint."),
        StatusCodes.Status405MethodNotAllowed => ApiErrors.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "method_not_allowed", "This endpoint does not take this method."),
        _ => Task.CompletedTask,
    };

    private static void ConfigureRateLimits(RateLimiterOptions r, VaultServerOptions options)
    {
        r.GlobalLimiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(c => RateLimitPartition.GetFixedWindowLimiter(
                c.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.AddressRequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })),
            // Keyed on the account the credential proves (never a path string), so an account's budget is spent
            // only by holders of its credential.
            PartitionedRateLimiter.Create<HttpContext, string>(c => c.User.FindFirst(BearerAccountHandler.AccountClaim)?.Value is { } account
                ? RateLimitPartition.GetFixedWindowLimiter(account,
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = options.AccountRequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("")));
        r.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        r.OnRejected = async (context, cancellationToken) =>
        {
            context.HttpContext.RequestServices.GetRequiredService<VaultMetrics>().Rejected.Add(1, new KeyValuePair<string, object?>("reason", "rate_limited"));
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retry))
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ApiErrors.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests; retry later.").ConfigureAwait(false);
        };
    }
}
