using Microsoft.Extensions.Options;

namespace Shifo.Server.Security.Tokens;

/// <summary>The node's public addresses: base, token issuer ({base}/auth) and token audience ({base}/fhir).</summary>
public static class SecurityUrls
{
    /// <summary>The configured public base URL, or the request's own scheme and host.</summary>
    public static string Base(HttpRequest request, SecurityOptions options) =>
        options.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{request.Scheme}://{request.Host}{request.PathBase}";

    public static string Base(HttpRequest request) =>
        Base(request, request.HttpContext.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value);

    public static string Issuer(string baseUrl) => baseUrl + "/auth";

    public static string Audience(string baseUrl) => baseUrl + "/fhir";
}
