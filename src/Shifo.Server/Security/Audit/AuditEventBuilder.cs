using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;
using Shifo.Server.Security.Access;

namespace Shifo.Server.Security.Audit;

/// <summary>
/// Builds the AuditEvent of one access as the IHE Basic Audit Log Patterns describe RESTful activity: type rest with
/// the restful-interaction as subtype; agents for the user (requestor), the client application (with the caller's
/// network address), this server and the organization the user acts for; this node as source; entities for the
/// patient, the resource acted on and the query. One event names at most one patient (BALP: one event per patient).
/// </summary>
public sealed class AuditEventBuilder(AuditNode node)
{
    /// <summary>A new id for an AuditEvent: time-ordered, so that recent events sit together in the indexes.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString();

    /// <param name="recorded">When the access was reported (the end of the access); the period starts at <see cref="AuditRecord.Started"/> if given.</param>
    public ElementNode Build(string id, DateTimeOffset recorded, AccessContext access, AuditRecord record)
    {
        var json = BuildJson(id, recorded, access, record);
        // straight to UTF-8: no intermediate string
        var parsed = FhirJsonParser.Parse(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(json));
        // the input is ours: a failure here is a bug in this class, never the caller's data
        if (parsed.HasErrors) throw new InvalidOperationException("The AuditEvent builder made a malformed resource: " + string.Join("; ", parsed.Issues.Select(i => i.ToString())));
        return parsed.Resource!;
    }

    public JsonObject BuildJson(string id, DateTimeOffset recorded, AccessContext access, AuditRecord record)
    {
        var started = record.Started is { } s && s <= recorded ? s : recorded;
        var ev = new JsonObject
        {
            ["resourceType"] = "AuditEvent",
            ["id"] = id,
            ["type"] = Coding(AuditCodes.RestEvent),
            ["subtype"] = Subtypes(record),
            ["action"] = Action(record),
            ["period"] = new JsonObject { ["start"] = Instant(started), ["end"] = Instant(recorded) },
            ["recorded"] = Instant(recorded),
            ["outcome"] = record.Denied is null ? AuditCodes.Success : AuditCodes.Refused,
        };
        if (record.Denied is { Length: > 0 } denied) ev["outcomeDesc"] = denied;
        ev["purposeOfEvent"] = new JsonArray(Purpose(access, record));
        ev["agent"] = Agents(access);
        ev["source"] = new JsonObject
        {
            ["site"] = node.HostName,
            ["observer"] = new JsonObject { ["identifier"] = Identifier(AuditCodes.NodeSystem, node.Id), ["display"] = $"Shifo node {node.Id} on {node.HostName}" },
            ["type"] = new JsonArray(Coding(AuditCodes.ApplicationServer)),
        };
        var entities = Entities(access, record);
        if (entities.Count > 0) ev["entity"] = entities;
        return ev;
    }

    private static JsonArray Subtypes(AuditRecord record)
    {
        var subtypes = new JsonArray(new JsonObject { ["system"] = AuditCodes.RestfulInteractionSystem, ["code"] = record.Interaction, ["display"] = record.Interaction });
        if (record.Operation is { Length: > 0 } operation)
        {
            var name = operation.TrimStart('$');
            subtypes.Add(new JsonObject { ["system"] = AuditCodes.OperationSystem, ["code"] = name, ["display"] = "$" + name });
        }
        return subtypes;
    }

    // BALP records searches as Execute (the query runs at the server), whatever action the caller named
    private static string Action(AuditRecord record) =>
        record.Interaction.StartsWith("search", StringComparison.Ordinal) ? "E" : record.Action switch
        {
            AuditAction.Create => "C",
            AuditAction.Read => "R",
            AuditAction.Update => "U",
            AuditAction.Delete => "D",
            AuditAction.Execute => "E",
            _ => throw new ArgumentOutOfRangeException(nameof(record), record.Action, "Unknown audit action."),
        };

    /// <summary>
    /// Why the data was reached: break the glass (with the reason, for the patient to read) in an emergency; otherwise
    /// treatment for practitioners and pharmacists, "patient requested" for citizens and for the services they chose
    /// to share with (a third party reaches data only on the patient's consent), healthcare operations for systems,
    /// health system administration for administrators.
    /// </summary>
    private static JsonObject Purpose(AccessContext access, AuditRecord record)
    {
        if (record.Emergency)
            return new JsonObject { ["coding"] = new JsonArray(Coding(AuditCodes.BreakTheGlass)), ["text"] = BreakGlassReason(access) };
        var code = access.Role switch
        {
            AccessRole.Practitioner or AccessRole.Pharmacist => AuditCodes.Treatment,
            AccessRole.Citizen or AccessRole.ThirdParty => AuditCodes.PatientRequested,
            AccessRole.Admin => AuditCodes.SystemAdministration,
            _ => AuditCodes.HealthcareOperations,
        };
        return new JsonObject { ["coding"] = new JsonArray(Coding(code)) };
    }

    private static string BreakGlassReason(AccessContext access) =>
        access.BreakGlassReason is { Length: > 0 } reason ? reason : "Emergency access (no reason given)";

    private JsonArray Agents(AccessContext access)
    {
        var user = new JsonObject
        {
            ["type"] = CodeableConcept(AuditCodes.UserAgent),
            ["role"] = new JsonArray(new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject { ["system"] = AuditCodes.AccessRoleSystem, ["code"] = access.Role.ToClaim() }),
            }),
        };
        if (access.FhirUser is { Length: > 0 } fhirUser)
        {
            user["who"] = new JsonObject { ["reference"] = fhirUser };
            user["altId"] = access.Subject;
        }
        else
            user["who"] = new JsonObject { ["identifier"] = Identifier(AuditCodes.SubjectSystem, access.Subject) };
        user["requestor"] = true;
        // BALP's OAuth pattern: the token's id, to find every use of one token
        if (access.TokenId is { Length: > 0 } jti) user["policy"] = new JsonArray(jti);

        var client = new JsonObject
        {
            ["type"] = CodeableConcept(AuditCodes.ClientAgent),
            ["who"] = new JsonObject { ["identifier"] = Identifier(AuditCodes.ClientSystem, access.ClientId) },
            ["requestor"] = false,
        };
        if (access.RemoteAddress is { Length: > 0 } address)
            client["network"] = new JsonObject { ["address"] = address, ["type"] = AuditCodes.IpAddress };

        var server = new JsonObject
        {
            ["type"] = CodeableConcept(AuditCodes.ServerAgent),
            ["who"] = new JsonObject { ["identifier"] = Identifier(AuditCodes.NodeSystem, node.Id), ["display"] = node.HostName },
            ["requestor"] = false,
            ["network"] = new JsonObject { ["address"] = node.HostName, ["type"] = AuditCodes.MachineName },
        };

        var agents = new JsonArray(user, client, server);
        if (access.Organization is { Length: > 0 } organization)
            agents.Add(new JsonObject
            {
                ["type"] = CodeableConcept(AuditCodes.OrganizationAgent),
                ["who"] = new JsonObject { ["reference"] = organization },
                ["requestor"] = false,
            });
        return agents;
    }

    private static JsonArray Entities(AccessContext access, AuditRecord record)
    {
        var entities = new JsonArray();
        if (record.Patient is { Length: > 0 } patient)
        {
            var entity = Entity(PatientReference(patient), AuditCodes.PersonEntity, AuditCodes.PatientRole);
            var details = new JsonArray();
            if (record.Emergency) details.Add(new JsonObject { ["type"] = AuditCodes.BreakGlassReasonDetail, ["valueString"] = BreakGlassReason(access) });
            if (record.Accesses > 1)
                details.Add(new JsonObject { ["type"] = AuditCodes.AccessCountDetail, ["valueString"] = record.Accesses.ToString(CultureInfo.InvariantCulture) });
            if (details.Count > 0) entity["detail"] = details;
            entities.Add(entity);
        }
        if (record.What is { Length: > 0 } what)
            entities.Add(Entity(what, AuditCodes.SystemObjectEntity, AuditCodes.DomainResourceRole));
        foreach (var more in record.MoreWhat)
            entities.Add(Entity(more, AuditCodes.SystemObjectEntity, AuditCodes.DomainResourceRole));
        if (record.Query is { Length: > 0 } query)
            entities.Add(new JsonObject
            {
                ["type"] = Coding(AuditCodes.SystemObjectEntity),
                ["role"] = Coding(AuditCodes.QueryRole),
                // base64 keeps exactly what was asked, malformed or hostile patterns included (BALP)
                ["query"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(query)),
            });
        return entities;
    }

    private static string PatientReference(string patient) => patient.StartsWith("Patient/", StringComparison.Ordinal) ? patient : "Patient/" + patient;

    private static JsonObject Entity(string reference, AuditCode type, AuditCode role) => new()
    {
        ["what"] = new JsonObject { ["reference"] = reference },
        ["type"] = Coding(type),
        ["role"] = Coding(role),
    };

    private static JsonObject Identifier(string system, string value) => new() { ["system"] = system, ["value"] = value };

    private static JsonObject Coding(AuditCode code) => new() { ["system"] = code.System, ["code"] = code.Code, ["display"] = code.Display };

    private static JsonObject CodeableConcept(AuditCode code) => new() { ["coding"] = new JsonArray(Coding(code)) };

    private static string Instant(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
