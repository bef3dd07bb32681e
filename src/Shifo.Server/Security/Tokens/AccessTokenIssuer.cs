using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Shifo.Server.Security.Access;

namespace Shifo.Server.Security.Tokens;

/// <summary>Signs access tokens: JWTs (RS256) with iss = {base}/auth, aud = {base}/fhir and the SMART claims.</summary>
public sealed class AccessTokenIssuer(SigningKeyRing keys, IOptions<SecurityOptions> options, TimeProvider time)
{
    public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt, string TokenId);

    /// <param name="baseUrl">This node's public base address (no trailing slash), see <see cref="SecurityUrls"/>.</param>
    public async Task<IssuedToken> IssueAsync(AccessTokenRequest request, string baseUrl, CancellationToken ct)
    {
        var key = await keys.CurrentAsync(ct);
        var now = time.GetUtcNow();
        var expires = now + options.Value.AccessTokenLifetime;
        var jti = Base64Url.Encode(RandomNumberGenerator.GetBytes(16));
        var payload = new Dictionary<string, object?>
        {
            ["iss"] = SecurityUrls.Issuer(baseUrl),
            ["aud"] = SecurityUrls.Audience(baseUrl),
            ["sub"] = request.Subject,
            ["client_id"] = request.ClientId,
            ["scope"] = request.Scope,
            ["shifo_role"] = request.Role.ToClaim(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["jti"] = jti,
        };
        if (request.FhirUser is not null) payload["fhirUser"] = request.FhirUser;
        if (request.Organization is not null) payload["organization"] = request.Organization;
        if (request.Patient is not null) payload["patient"] = request.Patient;
        var token = Jws.Sign(new Dictionary<string, object?> { ["typ"] = "JWT" }, payload, key.Key, key.Algorithm, key.Kid);
        return new IssuedToken(token, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()), jti);
    }
}
