using System.Globalization;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Shifo.Fhir.Outcomes;
using Shifo.Server.Http;

namespace Shifo.Server.Security.Hardening;

/// <summary>
/// Per-client request limits on ASP.NET Core's rate limiter: a token bucket per client (see
/// <see cref="ClientPartitionKey"/>) for every request, and a stricter bucket per remote address for /auth/token,
/// where each request may be a guess at a client secret. A refused request gets 429 with Retry-After, as an
/// OperationOutcome (OAuth error JSON under /auth), before any authentication or database work is spent on it.
/// </summary>
public static class RateLimiting
{
    public const string TokenEndpoint = "/auth/token";

    public static IServiceCollection AddShifoRateLimiting(this IServiceCollection services, RateLimitSettings settings)
    {
        if (settings.PermitsPerSecond < 1 || settings.Burst < 1 || settings.TokenEndpointPermitsPerMinute < 1 || settings.TokenEndpointBurst < 1)
            throw new InvalidOperationException("Security:RateLimit: PermitsPerSecond, Burst, TokenEndpointPermitsPerMinute and TokenEndpointBurst must be at least 1.");

        var perClient = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            RateLimitPartition.GetTokenBucketLimiter(ClientPartitionKey.For(context), _ => Bucket(settings.Burst, settings.PermitsPerSecond, TimeSpan.FromSeconds(1))));
        // one token every 60/N seconds rather than N at the top of each minute: no burst of guesses at each refill
        var tokenRefill = TimeSpan.FromSeconds(60.0 / settings.TokenEndpointPermitsPerMinute);
        // asked only for requests to the token endpoint (see ClientRateLimiter)
        var tokenEndpoint = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            RateLimitPartition.GetTokenBucketLimiter(ClientPartitionKey.RemoteAddress(context), _ => Bucket(settings.TokenEndpointBurst, 1, tokenRefill)));

        return services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = new ClientRateLimiter(perClient, tokenEndpoint);
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (rejected, ct) => new ValueTask(WriteRefusalAsync(rejected.HttpContext, rejected.Lease));
        });
    }

    private static TokenBucketRateLimiterOptions Bucket(int capacity, int tokensPerPeriod, TimeSpan period) => new()
    {
        TokenLimit = capacity,
        TokensPerPeriod = tokensPerPeriod,
        ReplenishmentPeriod = period,
        // refuse at once rather than hold connections open in a queue
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static Task WriteRefusalAsync(HttpContext context, RateLimitLease lease)
    {
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        var response = context.Response;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var message = $"Too many requests from this client; retry after {seconds} s.";
        if (!context.Request.Path.StartsWithSegments("/auth", StringComparison.OrdinalIgnoreCase))
            return FhirResponses.WriteOutcomeAsync(context, StatusCodes.Status429TooManyRequests, [Issue.Error("throttled", null, message)]);

        // RFC 6749 §5.2 has no code for this; temporarily_unavailable (§4.1.2.1) is the one OAuth clients know
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(response.Body, new Dictionary<string, string> { ["error"] = "temporarily_unavailable", ["error_description"] = message },
            cancellationToken: context.RequestAborted);
    }
}
