namespace Shifo.Server.Security.Hardening;

/// <summary>Cross-origin access for browser applications, configuration section "Security:Cors".</summary>
public sealed class CorsSettings
{
    /// <summary>
    /// Origins allowed to call the server from a browser (https://portal.example.uz). Empty (the default): no CORS
    /// headers at all, so browsers keep other sites' scripts out. "*" allows any origin, but then without credentials.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>How long a browser may reuse a preflight answer.</summary>
    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>Request rate limits, configuration section "Security:RateLimit".</summary>
public sealed class RateLimitSettings
{
    /// <summary>Off only for benchmarks of the FHIR stack itself.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sustained requests per second of one client (the token's client_id; the remote address without a token).</summary>
    public int PermitsPerSecond { get; set; } = 200;

    /// <summary>Requests one client may send at once above its sustained rate.</summary>
    public int Burst { get; set; } = 400;

    /// <summary>Sustained requests per minute to /auth/token from one address: guesses at client secrets stay slow.</summary>
    public int TokenEndpointPermitsPerMinute { get; set; } = 30;

    /// <summary>Requests to /auth/token one address may send at once.</summary>
    public int TokenEndpointBurst { get; set; } = 10;
}
