namespace Shifo.Storage.Accounts;

/// <summary>A person who signs in at /auth/authorize. Role is the token claim value ("practitioner", "citizen", ...).</summary>
public sealed record UserAccount
{
    public required string Id { get; init; }
    public required string Username { get; init; }

    /// <summary>The PBKDF2 hash string (algorithm, iterations, salt, hash); never the password.</summary>
    public required string PasswordHash { get; init; }

    public required string Role { get; init; }
    public string? FhirUser { get; init; }
    public string? Organization { get; init; }
    public bool Active { get; init; } = true;
    public bool Demo { get; init; }
    public int FailedLogins { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The two kinds of registered client.</summary>
public static class ClientKinds
{
    /// <summary>A server-side system authenticating with a JWT signed by a key of its registered JWKS (private_key_jwt).</summary>
    public const string Backend = "backend";

    /// <summary>A browser or mobile app without a secret: authorization code with PKCE, exact redirect URIs.</summary>
    public const string Public = "public";
}

/// <summary>A registered OAuth client. Lists are kept as JSON arrays; Jwks is a JWK Set of public keys (backend clients).</summary>
public sealed record ClientRegistration
{
    public required string ClientId { get; init; }
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public string? Jwks { get; init; }
    public IReadOnlyList<string> RedirectUris { get; init; } = [];
    public IReadOnlyList<string> PostLogoutRedirectUris { get; init; } = [];

    /// <summary>The role of a backend client's tokens ("system" or "third-party"); null for public clients (the user's role counts).</summary>
    public string? Role { get; init; }

    public string? Organization { get; init; }

    /// <summary>The scopes the client may be granted, space separated.</summary>
    public required string Scopes { get; init; }

    public bool Active { get; init; } = true;
    public bool Demo { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>An authorization code as stored: its hash, what it grants, the PKCE challenge, expiry and whether it was used.</summary>
public sealed record AuthorizationCode
{
    public required string CodeHash { get; init; }
    public required string ClientId { get; init; }
    public required string UserId { get; init; }
    public required string RedirectUri { get; init; }
    public required string Scope { get; init; }
    public required string CodeChallenge { get; init; }
    public string? Patient { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public bool Used { get; init; }
}

/// <summary>
/// A refresh token as stored. A family is every token rotated from one authorization code: reuse of a revoked one
/// (a sign of theft) revokes the whole family.
/// </summary>
public sealed record RefreshTokenRecord
{
    public required string TokenHash { get; init; }
    public required string FamilyId { get; init; }
    public required string ClientId { get; init; }
    public required string UserId { get; init; }
    public required string Scope { get; init; }
    public string? Patient { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public bool Revoked { get; init; }
}

/// <summary>A server signing key as stored (private key as PKCS#8 bytes).</summary>
public sealed record SigningKeyRecord(string Kid, string Algorithm, byte[] PrivateKeyPkcs8, DateTimeOffset CreatedAt);

/// <summary>The result of taking a one-time value (code or refresh token): the record, and whether it had been taken before.</summary>
public sealed record TakeResult<T>(T? Record, bool AlreadyTaken) where T : class;
