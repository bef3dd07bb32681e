using Shifo.Server.Security.Access;
using Shifo.Server.Security.Audit;
using Shifo.Server.Security.Scopes;

namespace Shifo.Server.Tests.Security;

/// <summary>Callers and accesses the audit tests report: one of each kind the enforcement step reports.</summary>
public static class AuditSamples
{
    public static AccessContext Practitioner(string? breakGlassReason = null) => new()
    {
        Subject = "user-77",
        ClientId = "his-samarkand",
        Role = AccessRole.Practitioner,
        Scopes = ScopeSet.Parse("user/*.rs"),
        FhirUser = "Practitioner/1",
        Organization = "Organization/2",
        TokenId = "jti-abc123",
        ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(15),
        BreakGlassReason = breakGlassReason,
        RemoteAddress = "10.20.30.40",
    };

    public static AccessContext SystemClient() => new()
    {
        Subject = "pharmacy-system",
        ClientId = "pharmacy-system",
        Role = AccessRole.System,
        Scopes = ScopeSet.Parse("system/*.cruds"),
        TokenId = "jti-sys",
        ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(15),
        RemoteAddress = "2001:db8::1",
    };

    public static AccessContext Citizen(string patientId) => new()
    {
        Subject = "citizen-" + patientId,
        ClientId = "portal",
        Role = AccessRole.Citizen,
        Scopes = ScopeSet.Parse("patient/*.rs"),
        FhirUser = "Patient/" + patientId,
        Patient = patientId,
        ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(15),
        RemoteAddress = "192.0.2.7",
    };

    public static AuditRecord ReadRecord(string patientId, string what) =>
        new() { Interaction = "read", Action = AuditAction.Read, What = what, Patient = patientId };

    public static AuditRecord SearchRecord(string patientId, string query) =>
        new() { Interaction = "search-type", Action = AuditAction.Read, Patient = patientId, Query = query };

    public static AuditRecord CreateRecord(string patientId, string what) =>
        new() { Interaction = "create", Action = AuditAction.Create, What = what, Patient = patientId };

    public static AuditRecord RefusedRecord(string patientId, string what) =>
        new() { Interaction = "read", Action = AuditAction.Read, What = what, Patient = patientId, Denied = "No care relationship with the patient." };

    public static AuditRecord EmergencyRecord(string patientId, string what) =>
        new() { Interaction = "read", Action = AuditAction.Read, What = what, Patient = patientId, Emergency = true };

    public static AuditRecord OperationRecord(string patientId) =>
        new() { Interaction = "operation", Action = AuditAction.Execute, What = "Patient/" + patientId, Patient = patientId, Operation = "$everything", Query = "_type=Observation" };
}
