using System.Text;
using System.Text.Json.Nodes;
using Shifo.Fhir.Serialization;
using Shifo.Fhir.Validation;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Audit;
using static Shifo.Server.Tests.Security.AuditSamples;

namespace Shifo.Server.Tests.Security;

/// <summary>Each kind of AuditEvent the builder makes passes Shifo's validator and carries the BALP fields.</summary>
public sealed class AuditEventBuilderTests
{
    private static readonly FhirValidator Validator = new();
    private static readonly AuditEventBuilder Builder = new(new AuditNode("node-uz-sa-1"));
    private static readonly DateTimeOffset Recorded = new(2026, 11, 21, 8, 30, 15, 123, TimeSpan.Zero);

    /// <summary>Builds, validates and returns the event as JSON (as it would be stored).</summary>
    private static JsonObject BuildValid(AccessContext access, AuditRecord record)
    {
        var node = Builder.Build("0193a3b2-7c1d-7e2f-8a9b-0c1d2e3f4a5b", Recorded, access, record);
        var result = Validator.Validate(node);
        Assert.True(result.IsValid, string.Join("\n", result.Issues.Where(i => i.IsError)));
        return JsonNode.Parse(FhirJsonWriter.ToJson(node))!.AsObject();
    }

    private static JsonObject Agent(JsonObject ev, string typeCode) =>
        ev["agent"]!.AsArray().Single(a => (string?)a!["type"]!["coding"]![0]!["code"] == typeCode)!.AsObject();

    private static JsonObject Entity(JsonObject ev, string roleCode) =>
        ev["entity"]!.AsArray().Single(e => (string?)e!["role"]!["code"] == roleCode)!.AsObject();

    private static void AssertRest(JsonObject ev, string subtype, string action, string outcome)
    {
        Assert.Equal("AuditEvent", (string?)ev["resourceType"]);
        Assert.Equal("http://terminology.hl7.org/CodeSystem/audit-event-type", (string?)ev["type"]!["system"]);
        Assert.Equal("rest", (string?)ev["type"]!["code"]);
        Assert.Equal("http://hl7.org/fhir/restful-interaction", (string?)ev["subtype"]![0]!["system"]);
        Assert.Equal(subtype, (string?)ev["subtype"]![0]!["code"]);
        Assert.Equal(action, (string?)ev["action"]);
        Assert.Equal(outcome, (string?)ev["outcome"]);
        Assert.Equal("2026-11-21T08:30:15.123Z", (string?)ev["recorded"]);
        Assert.Equal("2026-11-21T08:30:15.123Z", (string?)ev["period"]!["end"]);
        // the observer is this node, an application server
        Assert.Equal("node-uz-sa-1", (string?)ev["source"]!["observer"]!["identifier"]!["value"]);
        Assert.Contains(Environment.MachineName, (string?)ev["source"]!["observer"]!["display"]);
        Assert.Equal("4", (string?)ev["source"]!["type"]![0]!["code"]);
        // the server agent, by BALP's DICOM convention the destination
        var server = Agent(ev, "110152");
        Assert.False((bool)server["requestor"]!);
        Assert.Equal("node-uz-sa-1", (string?)server["who"]!["identifier"]!["value"]);
    }

    private static void AssertPractitionerAgents(JsonObject ev)
    {
        var user = Agent(ev, "IRCP");
        Assert.True((bool)user["requestor"]!);
        Assert.Equal("Practitioner/1", (string?)user["who"]!["reference"]);
        Assert.Equal("user-77", (string?)user["altId"]);
        Assert.Equal("practitioner", (string?)user["role"]![0]!["coding"]![0]!["code"]);
        Assert.Equal("jti-abc123", (string?)user["policy"]![0]);
        var client = Agent(ev, "110153");
        Assert.False((bool)client["requestor"]!);
        Assert.Equal("his-samarkand", (string?)client["who"]!["identifier"]!["value"]);
        Assert.Equal("10.20.30.40", (string?)client["network"]!["address"]);
        Assert.Equal("2", (string?)client["network"]!["type"]);
        var organization = Agent(ev, "PROV");
        Assert.Equal("Organization/2", (string?)organization["who"]!["reference"]);
        Assert.False((bool)organization["requestor"]!);
    }

    private static void AssertPatientAndData(JsonObject ev, string patient, string what)
    {
        var p = Entity(ev, "1");
        Assert.Equal("Patient/" + patient, (string?)p["what"]!["reference"]);
        Assert.Equal("http://terminology.hl7.org/CodeSystem/audit-entity-type", (string?)p["type"]!["system"]);
        Assert.Equal("1", (string?)p["type"]!["code"]);
        var data = Entity(ev, "4");
        Assert.Equal(what, (string?)data["what"]!["reference"]);
        Assert.Equal("2", (string?)data["type"]!["code"]);
    }

    private static string Purpose(JsonObject ev) => (string)ev["purposeOfEvent"]![0]!["coding"]![0]!["code"]!;

    [Fact]
    public void Read_by_a_practitioner()
    {
        var ev = BuildValid(Practitioner(), ReadRecord("p1", "Observation/12") with { Started = Recorded.AddMilliseconds(-40) });
        AssertRest(ev, "read", "R", "0");
        Assert.Equal("2026-11-21T08:30:15.083Z", (string?)ev["period"]!["start"]);
        AssertPractitionerAgents(ev);
        AssertPatientAndData(ev, "p1", "Observation/12");
        Assert.Equal("TREAT", Purpose(ev));
        Assert.Null(ev["outcomeDesc"]);
    }

    [Fact]
    public void Search_with_its_query_in_base64()
    {
        const string query = "Observation?patient=Patient/p2&code=http://loinc.org|8867-4&_sort=-date";
        var ev = BuildValid(SystemClient(), SearchRecord("p2", query));
        AssertRest(ev, "search-type", "E", "0");
        var q = Entity(ev, "24");
        Assert.Equal("2", (string?)q["type"]!["code"]);
        Assert.Equal(query, Encoding.UTF8.GetString(Convert.FromBase64String((string)q["query"]!)));
        Assert.Equal("Patient/p2", (string?)Entity(ev, "1")["what"]!["reference"]);
        // a system has no user resource: the token's subject identifies it
        var user = Agent(ev, "IRCP");
        Assert.Null(user["who"]!["reference"]);
        Assert.Equal("pharmacy-system", (string?)user["who"]!["identifier"]!["value"]);
        Assert.Equal("HOPERAT", Purpose(ev));
        Assert.Null(ev["agent"]!.AsArray().FirstOrDefault(a => (string?)a!["type"]!["coding"]![0]!["code"] == "PROV"));
    }

    [Fact]
    public void Create()
    {
        var ev = BuildValid(Practitioner(), CreateRecord("p3", "Observation/13"));
        AssertRest(ev, "create", "C", "0");
        AssertPractitionerAgents(ev);
        AssertPatientAndData(ev, "p3", "Observation/13");
    }

    [Fact]
    public void Refusal_is_a_minor_failure_with_the_reason()
    {
        var ev = BuildValid(Practitioner(), RefusedRecord("p4", "Condition/9"));
        AssertRest(ev, "read", "R", "4");
        Assert.Equal("No care relationship with the patient.", (string?)ev["outcomeDesc"]);
        AssertPatientAndData(ev, "p4", "Condition/9");
    }

    [Fact]
    public void Emergency_access_carries_break_the_glass_and_the_reason_for_the_patient()
    {
        var ev = BuildValid(Practitioner(breakGlassReason: "Unconscious patient in the emergency room"), EmergencyRecord("p5", "AllergyIntolerance/3"));
        AssertRest(ev, "read", "R", "0");
        Assert.Equal("BTG", Purpose(ev));
        Assert.Equal("http://terminology.hl7.org/CodeSystem/v3-ActReason", (string?)ev["purposeOfEvent"]![0]!["coding"]![0]!["system"]);
        Assert.Equal("Unconscious patient in the emergency room", (string?)ev["purposeOfEvent"]![0]!["text"]);
        var detail = Entity(ev, "1")["detail"]![0]!;
        Assert.Equal("break-the-glass-reason", (string?)detail["type"]);
        Assert.Equal("Unconscious patient in the emergency room", (string?)detail["valueString"]);
    }

    [Fact]
    public void Operation_names_itself_in_a_second_subtype()
    {
        var ev = BuildValid(Citizen("p6"), OperationRecord("p6"));
        AssertRest(ev, "operation", "E", "0");
        Assert.Equal("everything", (string?)ev["subtype"]![1]!["code"]);
        Assert.Equal("PATRQT", Purpose(ev));
        // the citizen is the user: the event is theirs twice over (agent and entity)
        Assert.Equal("Patient/p6", (string?)Agent(ev, "IRCP")["who"]!["reference"]);
    }

    [Fact]
    public void Unrestricted_caller_with_security_off_still_validates()
    {
        var ev = BuildValid(AccessContext.Unrestricted, new AuditRecord { Interaction = "history-type", Action = AuditAction.Read });
        AssertRest(ev, "history-type", "R", "0");
        Assert.Null(ev["entity"]);
        Assert.Null(Agent(ev, "110153")["network"]);
    }

    [Fact]
    public void Every_interaction_code_validates()
    {
        foreach (var interaction in new[] { "read", "vread", "update", "patch", "delete", "history-instance", "history-type", "history-system", "search-type", "search-system", "create", "operation", "transaction", "batch" })
            BuildValid(Practitioner(), new AuditRecord { Interaction = interaction, Action = AuditAction.Update, What = "Observation/1", Patient = "p7", Query = "x=1" });
    }
}
