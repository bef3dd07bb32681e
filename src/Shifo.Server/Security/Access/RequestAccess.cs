namespace Shifo.Server.Security.Access;

/// <summary>Where the authentication step leaves the verified caller of a request.</summary>
public static class RequestAccess
{
    private static readonly object Key = new();

    public static void SetAccess(this HttpContext context, AccessContext access) => context.Items[Key] = access;

    /// <summary>The verified caller; null when the request was not authenticated (public endpoints).</summary>
    public static AccessContext? Access(this HttpContext context) => context.Items.TryGetValue(Key, out var a) ? a as AccessContext : null;
}
