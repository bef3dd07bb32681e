using Shifo.Server.Security.Access;

namespace Shifo.Server.Security.Tokens;

/// <summary>What an access token says about its holder; the issuer adds iss, aud, iat, nbf, exp and jti.</summary>
public sealed record AccessTokenRequest
{
    public required string Subject { get; init; }
    public required string ClientId { get; init; }
    public required AccessRole Role { get; init; }

    /// <summary>Granted scopes, space separated.</summary>
    public required string Scope { get; init; }

    public string? FhirUser { get; init; }
    public string? Organization { get; init; }
    public string? Patient { get; init; }
}
