namespace Shifo.Server.Security.Hardening;

/// <summary>
/// Adds the browser-facing protections to every response, whatever produced it (endpoints, errors, refusals): no
/// MIME sniffing, no referrer leaking FHIR URLs (which carry ids and search values), no framing, no caching of
/// patient data in shared caches, HSTS over HTTPS. The headers are added when the response starts, so an error
/// handler that clears the response does not lose them.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>For everything that is not a page: nothing may frame it.</summary>
    public const string ApiPolicy = "frame-ancestors 'none'";

    /// <summary>For HTML pages: only this server's own scripts, styles and images; forms post back here only.</summary>
    public const string PagePolicy = "default-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors 'none'";

    /// <summary>One year; browsers then refuse plain HTTP to this host. Sent over HTTPS only (RFC 6797 §7.2).</summary>
    public const string HstsValue = "max-age=31536000";

    private static readonly Func<object, Task> Apply = state =>
    {
        var context = (HttpContext)state;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        // a page may bring its own stricter policy (a hash for an inline script); otherwise it gets the default
        if (headers.ContentSecurityPolicy.Count == 0)
            headers.ContentSecurityPolicy = IsHtml(context.Response.ContentType) ? PagePolicy : ApiPolicy;
        if (HoldsPatientData(context.Request.Path))
            headers.CacheControl = "no-store";
        if (context.Request.IsHttps)
            headers.StrictTransportSecurity = HstsValue;
        return Task.CompletedTask;
    };

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(Apply, context);
        return next(context);
    }

    private static bool IsHtml(string? contentType) =>
        contentType is not null && contentType.StartsWith("text/html", StringComparison.OrdinalIgnoreCase);

    private static bool HoldsPatientData(PathString path) =>
        path.StartsWithSegments("/fhir", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/auth", StringComparison.OrdinalIgnoreCase);
}
