namespace Shifo.Server.Security.Access;

/// <summary>
/// Who is behind a token, which decides how patient data is reached: systems by their scopes; citizens to their own
/// record; practitioners and pharmacists through a care relationship, consent or break-the-glass; third-party services
/// only where a patient's consent names them.
/// </summary>
public enum AccessRole
{
    /// <summary>A trusted system (hospital information system, pharmacy system, partner country's node): its scopes decide.</summary>
    System,

    /// <summary>A service a citizen may choose to share with (as in Korea's My Healthway): needs a permitting Consent per patient.</summary>
    ThirdParty,

    /// <summary>A doctor or nurse acting for an organization.</summary>
    Practitioner,

    /// <summary>A pharmacist acting for a pharmacy.</summary>
    Pharmacist,

    /// <summary>A citizen, to their own record (fhirUser Patient/...).</summary>
    Citizen,

    /// <summary>Manages users, clients and keys under /auth/admin; reaches no patient data by that role.</summary>
    Admin,
}

public static class AccessRoles
{
    /// <summary>The token claim value of a role (claim "shifo_role").</summary>
    public static string ToClaim(this AccessRole role) => role switch
    {
        AccessRole.System => "system",
        AccessRole.ThirdParty => "third-party",
        AccessRole.Practitioner => "practitioner",
        AccessRole.Pharmacist => "pharmacist",
        AccessRole.Citizen => "citizen",
        AccessRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static AccessRole? FromClaim(string? value) => value switch
    {
        "system" => AccessRole.System,
        "third-party" => AccessRole.ThirdParty,
        "practitioner" => AccessRole.Practitioner,
        "pharmacist" => AccessRole.Pharmacist,
        "citizen" => AccessRole.Citizen,
        "admin" => AccessRole.Admin,
        _ => null,
    };
}
