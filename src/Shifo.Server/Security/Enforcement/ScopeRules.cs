using Shifo.Server.Security.Access;
using Shifo.Server.Security.Scopes;

namespace Shifo.Server.Security.Enforcement;

/// <summary>
/// Which SMART scopes count for a caller: system/ for System and ThirdParty, patient/ for citizens, user/ for
/// practitioners and pharmacists (and patient/ too when their token carries a patient context, for that patient's
/// data only). Admins have none.
/// </summary>
public static class ScopeRules
{
    public static ScopeContext? Primary(AccessRole role) => role switch
    {
        AccessRole.System or AccessRole.ThirdParty => ScopeContext.System,
        AccessRole.Citizen => ScopeContext.Patient,
        AccessRole.Practitioner or AccessRole.Pharmacist => ScopeContext.User,
        _ => null,
    };

    /// <summary>
    /// Whether the token's scopes grant the actions on the type. <paramref name="patients"/>: whose data it is, when
    /// known (a practitioner's patient/ scopes count only when it is the token's patient's alone); null when unknown.
    /// </summary>
    public static bool Allows(AccessContext access, string resourceType, ScopeActions actions, IReadOnlyCollection<string>? patients)
    {
        if (Primary(access.Role) is not { } context) return false;
        if (access.Scopes.Allows(context, resourceType, actions)) return true;
        return PatientContextApplies(access, patients) && access.Scopes.Allows(ScopeContext.Patient, resourceType, actions);
    }

    /// <summary>Whether a practitioner's patient/ scopes might still grant this once whose data it is is known.</summary>
    public static bool MayAllowForLaunchPatient(AccessContext access, string resourceType, ScopeActions actions) =>
        access.Role is AccessRole.Practitioner or AccessRole.Pharmacist && access.Patient is not null
        && access.Scopes.Allows(ScopeContext.Patient, resourceType, actions);

    private static bool PatientContextApplies(AccessContext access, IReadOnlyCollection<string>? patients) =>
        access.Role is AccessRole.Practitioner or AccessRole.Pharmacist && access.Patient is not null
        && patients is { Count: > 0 } && patients.All(p => p == access.Patient);

    /// <summary>The scope a refusal names: "needs user/Observation.rs".</summary>
    public static string Needs(AccessContext access, string resourceType, ScopeActions actions)
    {
        var context = Primary(access.Role);
        return context is null
            ? $"The {access.Role.ToClaim()} role reaches no FHIR resources."
            : $"The token lacks the scope for this: needs {new SmartScope(context.Value, resourceType, actions)}.";
    }
}
