using System.Threading.RateLimiting;

namespace Shifo.Server.Security.Hardening;

/// <summary>
/// The global limiter: every request takes a permit from its client's bucket; a request to /auth/token takes one from
/// its remote address's bucket too. Only token requests go through the chain of both — a chained limiter costs a
/// second partition look-up and a combined lease on every request, for a limit that applies to one endpoint.
/// </summary>
public sealed class ClientRateLimiter(PartitionedRateLimiter<HttpContext> perClient, PartitionedRateLimiter<HttpContext> perAddressForTokens)
    : PartitionedRateLimiter<HttpContext>
{
    // the address's bucket first: a refused guess at a secret does not spend the client's permit
    private readonly PartitionedRateLimiter<HttpContext> _tokenEndpointAndClient = PartitionedRateLimiter.CreateChained(perAddressForTokens, perClient);

    public static bool IsTokenRequest(HttpContext context) =>
        context.Request.Path.Equals(RateLimiting.TokenEndpoint, StringComparison.OrdinalIgnoreCase);

    private PartitionedRateLimiter<HttpContext> For(HttpContext context) => IsTokenRequest(context) ? _tokenEndpointAndClient : perClient;

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => For(resource).GetStatistics(resource);

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) => For(resource).AttemptAcquire(resource, permitCount);

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        For(resource).AcquireAsync(resource, permitCount, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // a chained limiter leaves the limiters it chains to their owner
            _tokenEndpointAndClient.Dispose();
            perAddressForTokens.Dispose();
            perClient.Dispose();
        }
        base.Dispose(disposing);
    }
}
