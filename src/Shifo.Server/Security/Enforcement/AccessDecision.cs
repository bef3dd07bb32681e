namespace Shifo.Server.Security.Enforcement;

/// <summary>The answer for one caller and one patient: allowed, allowed only because the glass was broken, or refused (with why, no data).</summary>
public readonly record struct AccessDecision(bool Allowed, bool Emergency, string? Denied)
{
    public static AccessDecision Allow { get; } = new(true, false, null);

    public static AccessDecision BrokenGlass { get; } = new(true, true, null);

    public static AccessDecision Deny(string reason) => new(false, false, reason);
}
