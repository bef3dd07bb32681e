using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Shifo.Server.Security.Tokens;
using static Shifo.Server.Security.Tokens.JwtClaims;

namespace Shifo.Server.Security.AuthServer;

/// <summary>The checked parameters of an authorization request, carried from the sign-in page to its POST.</summary>
public sealed record AuthorizeRequest(string ClientId, string RedirectUri, string Scope, string? State, string CodeChallenge);

/// <summary>
/// The hidden field of the sign-in form: the authorization request signed with the server's key (so any node can
/// check it and nobody can alter it) and bound to a random value kept in an HttpOnly, SameSite=Strict cookie. A
/// form posted from another site lacks the cookie; a form token taken from another browser lacks the value.
/// </summary>
public sealed class LoginFormToken(SigningKeyRing keys, IOptions<SecurityOptions> options, TimeProvider time)
{
    public const string CookieName = "shifo_login";
    private const string Type = "shifo-login+jwt";

    /// <summary>A form token for the request, setting the browser's cookie (a new one only if it has none).</summary>
    public async Task<string> IssueAsync(HttpContext context, AuthorizeRequest request)
    {
        var nonce = context.Request.Cookies[CookieName] is { Length: >= 32 } existing ? existing : Secrets.New();
        context.Response.Cookies.Append(CookieName, nonce, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/auth",
            MaxAge = options.Value.LoginFormLifetime,
        });
        var key = await keys.CurrentAsync(context.RequestAborted);
        var payload = new Dictionary<string, object?>
        {
            ["client_id"] = request.ClientId,
            ["redirect_uri"] = request.RedirectUri,
            ["scope"] = request.Scope,
            ["state"] = request.State,
            ["code_challenge"] = request.CodeChallenge,
            ["nonce"] = Secrets.Hash(nonce),
            ["exp"] = (time.GetUtcNow() + options.Value.LoginFormLifetime).ToUnixTimeSeconds(),
        };
        return Jws.Sign(new Dictionary<string, object?> { ["typ"] = Type }, payload, key.Key, key.Algorithm, key.Kid);
    }

    /// <summary>The request a posted form token carries; null when it is forged, altered, expired or not this browser's.</summary>
    public async Task<AuthorizeRequest?> ReadAsync(HttpContext context, string? formToken)
    {
        if (formToken is null || !Jws.TryRead(formToken, out var header, out var payload)) return null;
        if (Str(header, "typ") != Type || Str(header, "alg") != SigningKeyRing.Algorithm || Str(header, "kid") is not { } kid) return null;
        if (await keys.FindAsync(kid, context.RequestAborted) is not { } key || !Jws.VerifySignature(formToken, key.Key, key.Algorithm)) return null;
        if (!payload.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var expSeconds) || DateTimeOffset.FromUnixTimeSeconds(expSeconds) <= time.GetUtcNow()) return null;
        if (context.Request.Cookies[CookieName] is not { } nonce || Str(payload, "nonce") is not { } nonceHash) return null;
        if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Secrets.Hash(nonce)), System.Text.Encoding.ASCII.GetBytes(nonceHash))) return null;
        if (Str(payload, "client_id") is not { } clientId || Str(payload, "redirect_uri") is not { } redirectUri
            || Str(payload, "scope") is not { } scope || Str(payload, "code_challenge") is not { } challenge) return null;
        return new AuthorizeRequest(clientId, redirectUri, scope, Str(payload, "state"), challenge);
    }
}
