namespace Shifo.Server.Security.Audit;

/// <summary>A code of a code system, as AuditEvents carry it.</summary>
public sealed record AuditCode(string System, string Code, string Display);

/// <summary>
/// The codes of the IHE Basic Audit Log Patterns (BALP) for RESTful activity, and Shifo's own identifier systems.
/// Displays are those of the code systems in the R4 package.
/// </summary>
public static class AuditCodes
{
    public const string RestfulInteractionSystem = "http://hl7.org/fhir/restful-interaction";
    public const string ActReasonSystem = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    public static readonly AuditCode RestEvent = new("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation");

    // DICOM's convention, kept by BALP: the client is the source of the request, the server its destination
    public static readonly AuditCode ClientAgent = new("http://dicom.nema.org/resources/ontology/DCM", "110153", "Source Role ID");
    public static readonly AuditCode ServerAgent = new("http://dicom.nema.org/resources/ontology/DCM", "110152", "Destination Role ID");
    public static readonly AuditCode UserAgent = new("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient");
    public static readonly AuditCode OrganizationAgent = new("http://terminology.hl7.org/CodeSystem/v3-RoleClass", "PROV", "healthcare provider");

    public static readonly AuditCode ApplicationServer = new("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server");

    public static readonly AuditCode PersonEntity = new("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person");
    public static readonly AuditCode SystemObjectEntity = new("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object");
    public static readonly AuditCode PatientRole = new("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient");
    public static readonly AuditCode DomainResourceRole = new("http://terminology.hl7.org/CodeSystem/object-role", "4", "Domain Resource");
    public static readonly AuditCode QueryRole = new("http://terminology.hl7.org/CodeSystem/object-role", "24", "Query");

    public static readonly AuditCode BreakTheGlass = new(ActReasonSystem, "BTG", "break the glass");
    public static readonly AuditCode Treatment = new(ActReasonSystem, "TREAT", "treatment");
    public static readonly AuditCode PatientRequested = new(ActReasonSystem, "PATRQT", "patient requested");
    public static readonly AuditCode HealthcareOperations = new(ActReasonSystem, "HOPERAT", "healthcare operations");
    public static readonly AuditCode SystemAdministration = new(ActReasonSystem, "HSYSADMIN", "health system administration");

    /// <summary>AuditEvent.outcome: success, and "minor failure" for a refused access (the request failed, the server did not).</summary>
    public const string Success = "0";
    public const string Refused = "4";

    /// <summary>agent.network.type: 1 machine name, 2 IP address.</summary>
    public const string MachineName = "1";
    public const string IpAddress = "2";

    /// <summary>The type of the entity detail that carries a break-the-glass reason, so that the patient reads it.</summary>
    public const string BreakGlassReasonDetail = "break-the-glass-reason";

    /// <summary>The type of the entity detail that says how many accesses a combined event stands for.</summary>
    public const string AccessCountDetail = "accesses";

    // Shifo's own systems
    public const string AccessRoleSystem = "http://shifo.uz/fhir/CodeSystem/access-role";
    public const string OperationSystem = "http://shifo.uz/fhir/CodeSystem/operation";
    public const string SubjectSystem = "http://shifo.uz/fhir/sid/token-subject";
    public const string ClientSystem = "http://shifo.uz/fhir/sid/client";
    public const string NodeSystem = "http://shifo.uz/fhir/sid/node";
}
