namespace Shifo.Server.Security;

/// <summary>Authorization, consent and audit settings, configuration section "Security" (SHIFO_Security__Enabled, ...).</summary>
public sealed class SecurityOptions
{
    /// <summary>
    /// On by default: every FHIR interaction needs a token. Off only for benchmarks and tests of FHIR behaviour
    /// itself; production mode refuses to start with it off.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The public address of this node (https://shifo.example.uz), used as token issuer ({base}/auth) and audience
    /// ({base}/fhir). Empty: taken from each request's scheme and host, which suits one node behind no proxy.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>The first administrator of a new installation (see Hosting/InitialAdmin); empty: none is made.</summary>
    public InitialAdminOptions InitialAdmin { get; set; } = new();

    /// <summary>Lifetime of access tokens.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Lifetime of refresh tokens (authorization-code clients only).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Tolerated clock difference when checking exp and nbf.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A signing key older than this is replaced by a new one; the old one still verifies until its tokens expire.</summary>
    public TimeSpan SigningKeyRotation { get; set; } = TimeSpan.FromDays(30);

    /// <summary>PBKDF2 iterations for new password hashes (existing hashes keep theirs). Lower only in tests.</summary>
    public int PasswordIterations { get; set; } = 210_000;

    /// <summary>Consecutive failed sign-ins after which an account is locked (1 minute, doubling, at most 1 hour).</summary>
    public int LoginFailuresBeforeLock { get; set; } = 5;

    /// <summary>Failed sign-ins from one network address in ten minutes after which it is refused for a while.</summary>
    public int LoginFailuresPerAddress { get; set; } = 50;

    /// <summary>Lifetime of an authorization code (SMART: short; it is exchanged at once).</summary>
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the sign-in form may stay open before it must be reloaded.</summary>
    public TimeSpan LoginFormLifetime { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>Security:InitialAdmin: user name and password of the first admin account.</summary>
public sealed class InitialAdminOptions
{
    public string Username { get; set; } = "";
    public string Password { get; set; } = "";
}
