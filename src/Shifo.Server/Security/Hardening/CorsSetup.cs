namespace Shifo.Server.Security.Hardening;

/// <summary>
/// The CORS policy from <see cref="CorsSettings"/>: the FHIR request headers a browser application needs (the token,
/// conditional requests, Prefer, the break-the-glass reason) and the response headers it must read (Location, ETag,
/// ...). Nothing is registered when no origin is configured, so no CORS header is ever sent.
/// </summary>
public static class CorsSetup
{
    public static readonly string[] AllowedHeaders =
        ["Authorization", "Content-Type", "Accept", "If-Match", "If-None-Match", "If-None-Exist", "If-Modified-Since", "Prefer", "X-Break-Glass-Reason"];

    public static readonly string[] ExposedHeaders = ["Location", "ETag", "Content-Location", "Last-Modified", "Retry-After"];

    public static readonly string[] AllowedMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>The configured origins, one per entry or comma-separated (handy in one environment variable).</summary>
    public static IReadOnlyList<string> Origins(CorsSettings settings)
    {
        var origins = settings.AllowedOrigins
            .SelectMany(o => o.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (origins.Contains("*") && origins.Count > 1)
            throw new InvalidOperationException("Security:Cors:AllowedOrigins: \"*\" cannot be combined with named origins.");
        foreach (var origin in origins.Where(o => o != "*"))
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.PathAndQuery != "/" || origin.EndsWith('/'))
                throw new InvalidOperationException($"Security:Cors:AllowedOrigins: \"{origin}\" is not an origin (scheme://host[:port], no path).");
        }
        return origins;
    }

    public static IServiceCollection AddShifoCors(this IServiceCollection services, IReadOnlyList<string> origins, CorsSettings settings)
    {
        if (origins.Count == 0) return services;
        return services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            policy.WithHeaders(AllowedHeaders).WithExposedHeaders(ExposedHeaders).WithMethods(AllowedMethods).SetPreflightMaxAge(settings.PreflightMaxAge);
            // with "*" any site may call, so the browser must not send cookies or other credentials along
            if (origins is ["*"]) policy.AllowAnyOrigin();
            else policy.WithOrigins([.. origins]).AllowCredentials();
        }));
    }
}
