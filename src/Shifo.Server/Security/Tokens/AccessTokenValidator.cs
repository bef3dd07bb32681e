using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Scopes;
using static Shifo.Server.Security.Tokens.JwtClaims;

namespace Shifo.Server.Security.Tokens;

/// <summary>
/// Checks an access token of this server: RS256 only, a known kid, a valid signature, iss and aud of this node,
/// exp and nbf (with the clock skew), and the claims Shifo needs. Verified tokens are remembered until they expire,
/// so that a client's repeated requests pay for the signature check once: keyed on the whole token (a token differing
/// in any character, its signature included, is checked afresh), with the base URL it was verified for, and never a
/// failure. A remembered token is looked up from the request's Authorization header in place, without copying it.
/// </summary>
public sealed class AccessTokenValidator(SigningKeyRing keys, IOptions<SecurityOptions> options, TimeProvider time)
{
    private const int CacheLimit = 100_000;
    private readonly ConcurrentDictionary<string, Verified> _verified = new(StringComparer.Ordinal);

    /// <summary>A verified token and the base URL it was verified for (a node reached under two names must not accept one name's token for the other).</summary>
    private sealed record Verified(string BaseUrl, AccessContext Access, Result Answer);

    public sealed record Result(AccessContext? Access, string? Error);

    public ValueTask<Result> ValidateAsync(string token, string baseUrl, CancellationToken ct) =>
        ValidateAsync(token.AsMemory(), baseUrl, ct);

    /// <param name="token">The token's characters (a slice of the Authorization header: copied only when not remembered).</param>
    public ValueTask<Result> ValidateAsync(ReadOnlyMemory<char> token, string baseUrl, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_verified.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(token.Span, out var known) && known.BaseUrl == baseUrl)
            return ValueTask.FromResult(known.Access.ExpiresAt + options.Value.ClockSkew > now ? known.Answer : Fail("The access token has expired."));
        return VerifyAsync(token.ToString(), baseUrl, now, ct);
    }

    private async ValueTask<Result> VerifyAsync(string token, string baseUrl, DateTimeOffset now, CancellationToken ct)
    {
        var skew = options.Value.ClockSkew;
        if (!Jws.TryRead(token, out var header, out var payload)) return Fail("The access token is not a signed JWT.");
        if (Str(header, "alg") != SigningKeyRing.Algorithm) return Fail("The access token is not signed with this server's algorithm.");
        // other tokens this server signs with the same key (the login form's) carry another typ
        if (Str(header, "typ") != "JWT") return Fail("The token is not an access token.");
        if (Str(header, "kid") is not { } kid || await keys.FindAsync(kid, ct) is not { } key) return Fail("The access token's signing key is unknown.");
        if (!Jws.VerifySignature(token, key.Key, key.Algorithm)) return Fail("The access token's signature is invalid.");
        if (Str(payload, "iss") != SecurityUrls.Issuer(baseUrl)) return Fail("The access token was issued by another server.");
        if (!HasAudience(payload, SecurityUrls.Audience(baseUrl))) return Fail("The access token is for another audience.");
        if (Num(payload, "exp") is not { } exp) return Fail("The access token has no expiry.");
        if (DateTimeOffset.FromUnixTimeSeconds(exp) + skew <= now) return Fail("The access token has expired.");
        if (Num(payload, "nbf") is { } nbf && DateTimeOffset.FromUnixTimeSeconds(nbf) - skew > now) return Fail("The access token is not valid yet.");
        if (Str(payload, "sub") is not { } sub || Str(payload, "client_id") is not { } clientId || AccessRoles.FromClaim(Str(payload, "shifo_role")) is not { } role)
            return Fail("The access token lacks sub, client_id or shifo_role.");

        var access = new AccessContext
        {
            Subject = sub,
            ClientId = clientId,
            Role = role,
            Scopes = ScopeSet.Parse(Str(payload, "scope")),
            FhirUser = Str(payload, "fhirUser"),
            Organization = Str(payload, "organization"),
            Patient = Str(payload, "patient"),
            TokenId = Str(payload, "jti"),
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(exp),
        };
        var answer = new Result(access, null);
        if (_verified.Count >= CacheLimit) _verified.Clear();
        _verified[token] = new Verified(baseUrl, access, answer);
        return answer;
    }

    private static Result Fail(string error) => new(null, error);
}
