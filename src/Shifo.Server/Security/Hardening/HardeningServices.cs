using System.Security.Authentication;

namespace Shifo.Server.Security.Hardening;

/// <summary>
/// Registers and places the hardening of the HTTP surface: default log levels that keep URLs out of logs, Kestrel's
/// request limits and TLS versions, HTTPS endpoints from configuration, security headers, CORS and rate limits.
/// </summary>
public static class HardeningServices
{
    /// <summary>What <see cref="UseShifoHardening"/> has to place, decided from configuration at build time.</summary>
    private sealed record Features(bool Cors, bool RateLimit);

    public static WebApplicationBuilder AddShifoHardening(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        configuration.AddDefaultLogLevels();

        var limits = configuration.GetSection("Server").Get<RequestLimits>() ?? new RequestLimits();
        // the slim builder leaves out Kestrel's HTTPS configuration: Kestrel:Endpoints:Https with a certificate needs it
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            limits.ApplyTo(kestrel);
            kestrel.AddServerHeader = false;
            kestrel.ConfigureHttpsDefaults(https => https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13);
        });

        var cors = configuration.GetSection("Security:Cors").Get<CorsSettings>() ?? new CorsSettings();
        var origins = CorsSetup.Origins(cors);
        builder.Services.AddShifoCors(origins, cors);

        var rateLimit = configuration.GetSection("Security:RateLimit").Get<RateLimitSettings>() ?? new RateLimitSettings();
        if (rateLimit.Enabled) builder.Services.AddShifoRateLimiting(rateLimit);

        builder.Services.AddSingleton(new Features(origins.Count > 0, rateLimit.Enabled));
        return builder;
    }

    /// <summary>
    /// Place before authentication: preflight requests carry no token and are answered by CORS, and a client over its
    /// rate is refused before its token is checked or the store is touched.
    /// </summary>
    public static WebApplication UseShifoHardening(this WebApplication app)
    {
        var features = app.Services.GetRequiredService<Features>();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        if (features.Cors) app.UseCors();
        if (features.RateLimit) app.UseRateLimiter();
        return app;
    }
}
