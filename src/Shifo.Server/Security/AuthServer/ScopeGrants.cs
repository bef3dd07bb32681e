using Shifo.Server.Security.Access;
using Shifo.Server.Security.Scopes;

namespace Shifo.Server.Security.AuthServer;

/// <summary>What a token may be granted: the requested scopes cut down to what a role or client is allowed.</summary>
public static class ScopeGrants
{
    /// <summary>Scope words that are not resource scopes and pass through when requested.</summary>
    public static readonly IReadOnlySet<string> PassThroughWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "openid", "fhirUser", "offline_access", "online_access", "launch/patient",
    };

    /// <summary>The resource scopes a person of this role gets at sign-in (before intersecting with the request).</summary>
    public static string ForRole(AccessRole role) => role switch
    {
        AccessRole.Citizen => "patient/*.rs patient/Consent.cruds",
        AccessRole.Practitioner => "user/*.cruds",
        AccessRole.Pharmacist => "user/*.rs user/MedicationDispense.cruds",
        _ => "",
    };

    /// <summary>
    /// Each requested resource scope keeps the actions <paramref name="allowed"/> grants on its context and type
    /// (system/Patient.cruds against system/*.rs gives system/Patient.rs); one with none left is dropped, as are
    /// scopes of other contexts than <paramref name="contexts"/>. Pass-through words stay when requested.
    /// </summary>
    public static ScopeSet Intersect(ScopeSet requested, ScopeSet allowed, params ScopeContext[] contexts)
    {
        var granted = new List<string>();
        foreach (var word in requested.Words)
        {
            if (PassThroughWords.Contains(word))
            {
                granted.Add(word);
                continue;
            }
            if (!SmartScope.TryParse(word, out var scope) || !contexts.Contains(scope!.Context)) continue;
            var actions = ScopeActions.None;
            foreach (var a in allowed.ResourceScopes)
                if (a.Context == scope.Context && (a.AllTypes || (!scope.AllTypes && a.ResourceType == scope.ResourceType))) actions |= a.Actions;
            actions &= scope.Actions;
            if (actions != ScopeActions.None) granted.Add((scope with { Actions = actions }).ToString());
        }
        return ScopeSet.Parse(string.Join(' ', granted.Distinct(StringComparer.Ordinal)));
    }
}
