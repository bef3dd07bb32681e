using System.Text.Json.Nodes;

namespace Shifo.Server.Security.AuthServer;

/// <summary>JSON answers of the /auth endpoints: RFC 6749 §5.1/§5.2, never cached (tokens and errors alike).</summary>
public static class OAuthResponses
{
    public static Task JsonAsync(HttpContext context, int status, JsonObject body)
    {
        NoStore(context.Response);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    /// <summary>An OAuth error; 401 answers for client authentication carry WWW-Authenticate as RFC 6749 §5.2 asks.</summary>
    public static Task ErrorAsync(HttpContext context, int status, string error, string description)
    {
        if (status == StatusCodes.Status401Unauthorized) context.Response.Headers.WWWAuthenticate = $"Bearer error=\"{error}\"";
        return JsonAsync(context, status, new JsonObject { ["error"] = error, ["error_description"] = description });
    }

    public static void NoStore(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
    }
}

/// <summary>A refused OAuth request, turned into its JSON error by the endpoint.</summary>
public sealed class OAuthException(int status, string error, string description) : Exception(description)
{
    public int Status { get; } = status;
    public string Error { get; } = error;

    public static OAuthException InvalidRequest(string description) => new(400, "invalid_request", description);
    public static OAuthException InvalidClient(string description) => new(401, "invalid_client", description);
    public static OAuthException InvalidGrant(string description) => new(400, "invalid_grant", description);
    public static OAuthException InvalidScope(string description) => new(400, "invalid_scope", description);
}
