using Shifo.Server.Security.Scopes;

namespace Shifo.Server.Security.Access;

/// <summary>
/// The verified caller of one request: built from a valid access token by the authentication step, read by every
/// later step (scopes, patient access, consent, audit). References are relative ("Practitioner/12").
/// </summary>
public sealed record AccessContext
{
    /// <summary>The token's subject: a user's id, or a system client's id.</summary>
    public required string Subject { get; init; }

    public required string ClientId { get; init; }

    public required AccessRole Role { get; init; }

    public required ScopeSet Scopes { get; init; }

    /// <summary>The user's own FHIR resource (Practitioner/.., Patient/..), if any.</summary>
    public string? FhirUser { get; init; }

    /// <summary>The organization the caller acts for (Organization/..), if any.</summary>
    public string? Organization { get; init; }

    /// <summary>The patient the token is bound to (id only): citizens' own id, or a SMART launch context.</summary>
    public string? Patient { get; init; }

    /// <summary>The token's jti, for audit.</summary>
    public string? TokenId { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Set per request: the reason given to break the glass (header X-Break-Glass-Reason), if any.</summary>
    public string? BreakGlassReason { get; init; }

    /// <summary>The network address the request came from, for audit.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>The caller when security is switched off (benchmarks, FHIR-behaviour tests): everything, as a system.</summary>
    public static AccessContext Unrestricted { get; } = new()
    {
        Subject = "anonymous",
        ClientId = "anonymous",
        Role = AccessRole.System,
        Scopes = ScopeSet.Parse("system/*.cruds"),
        ExpiresAt = DateTimeOffset.MaxValue,
    };
}
