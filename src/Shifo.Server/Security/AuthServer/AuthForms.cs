using Microsoft.AspNetCore.Http.Features;

namespace Shifo.Server.Security.AuthServer;

/// <summary>Reading application/x-www-form-urlencoded requests of the OAuth endpoints, where a repeated parameter is an error (RFC 6749 §3.1).</summary>
public static class AuthForms
{
    /// <summary>OAuth forms are a few parameters and a JWT or two; anything much larger is not one.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    public static async Task<IFormCollection> ReadAsync(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method)) return FormCollection.Empty;
        if (!request.HasFormContentType || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
            throw OAuthException.InvalidRequest("The body must be application/x-www-form-urlencoded.");
        if (request.ContentLength > MaxBodyBytes) throw OAuthException.InvalidRequest($"The form body is larger than {MaxBodyBytes} bytes.");
        // a body without a length is cut off at the same size while it is read
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes;
        try
        {
            return await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            throw OAuthException.InvalidRequest("The form body is malformed or too large.");
        }
    }

    /// <summary>A parameter's one value; null when absent or empty; invalid_request when repeated.</summary>
    public static string? Single(IFormCollection form, string name) => Single(form[name], name);

    public static string? Single(IQueryCollection query, string name) => Single(query[name], name);

    public static string Required(IFormCollection form, string name) =>
        Single(form, name) ?? throw OAuthException.InvalidRequest($"{name} is required.");

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values, string name)
    {
        if (values.Count > 1) throw OAuthException.InvalidRequest($"{name} must be given once.");
        return values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
    }
}
