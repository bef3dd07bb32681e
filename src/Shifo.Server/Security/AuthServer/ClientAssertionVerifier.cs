using System.Text.Json;
using Microsoft.Extensions.Options;
using Shifo.Server.Security.Tokens;
using Shifo.Storage.Accounts;
using static Shifo.Server.Security.Tokens.JwtClaims;

namespace Shifo.Server.Security.AuthServer;

/// <summary>
/// Authenticates a backend client by its signed JWT (RFC 7523, SMART Backend Services): RS384 or ES384 by a key of
/// the client's registered JWKS named by kid, iss = sub = client_id, aud = the token endpoint, an exp at most five
/// minutes ahead, and a jti the client has not used before. Every failure is invalid_client.
/// </summary>
public sealed class ClientAssertionVerifier(AccountStore accounts, IOptions<SecurityOptions> options, TimeProvider time)
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    public static readonly IReadOnlySet<string> Algorithms = new HashSet<string>(StringComparer.Ordinal) { "RS384", "ES384" };
    private static readonly TimeSpan LongestLifetime = TimeSpan.FromMinutes(5);

    public async Task<ClientRegistration> VerifyAsync(string assertion, string tokenEndpoint, CancellationToken ct)
    {
        if (!Jws.TryRead(assertion, out var header, out var payload)) throw OAuthException.InvalidClient("client_assertion is not a signed JWT.");
        var alg = Str(header, "alg");
        if (alg is null || !Algorithms.Contains(alg)) throw OAuthException.InvalidClient("client_assertion must be signed with RS384 or ES384.");
        var clientId = Str(payload, "iss");
        if (clientId is null || Str(payload, "sub") != clientId) throw OAuthException.InvalidClient("client_assertion needs iss and sub, both the client_id.");
        var client = await accounts.FindClientAsync(clientId, ct);
        if (client is null || !client.Active || client.Kind != ClientKinds.Backend || client.Jwks is null)
            throw OAuthException.InvalidClient("The client is unknown or not a registered backend client.");
        if (Str(header, "kid") is not { } kid) throw OAuthException.InvalidClient("client_assertion has no kid.");
        using var key = FindKey(client.Jwks, kid, alg) ?? throw OAuthException.InvalidClient("No registered key of the client matches the assertion's kid and alg.");
        if (!Jws.VerifySignature(assertion, key, alg)) throw OAuthException.InvalidClient("client_assertion's signature is invalid.");
        if (!HasAudience(payload, tokenEndpoint)) throw OAuthException.InvalidClient($"client_assertion's aud must be {tokenEndpoint}.");

        var now = time.GetUtcNow();
        var skew = options.Value.ClockSkew;
        if (Num(payload, "exp") is not { } expSeconds) throw OAuthException.InvalidClient("client_assertion has no exp.");
        var exp = DateTimeOffset.FromUnixTimeSeconds(expSeconds);
        if (exp + skew <= now) throw OAuthException.InvalidClient("client_assertion has expired.");
        if (exp > now + LongestLifetime + skew) throw OAuthException.InvalidClient("client_assertion's exp is more than five minutes ahead.");
        if (Num(payload, "nbf") is { } nbf && DateTimeOffset.FromUnixTimeSeconds(nbf) - skew > now) throw OAuthException.InvalidClient("client_assertion is not valid yet.");
        if (Str(payload, "jti") is not { Length: > 0 and <= 256 } jti) throw OAuthException.InvalidClient("client_assertion needs a jti.");
        // kept past exp by the skew, the window in which the assertion would still be accepted
        if (!await accounts.UseAssertionIdAsync(client.ClientId, jti, exp + skew, now, ct))
            throw OAuthException.InvalidClient("client_assertion's jti was used before.");
        return client;
    }

    private static System.Security.Cryptography.AsymmetricAlgorithm? FindKey(string jwks, string kid, string alg)
    {
        using var doc = JsonDocument.Parse(jwks);
        if (!doc.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array) return null;
        foreach (var jwk in keys.EnumerateArray())
        {
            if (Str(jwk, "kid") != kid) continue;
            if (Str(jwk, "alg") is { } keyAlg && keyAlg != alg) continue;
            var key = Jwk.ToPublicKey(jwk, out _);
            if (key is not null) return key;
        }
        return null;
    }
}
