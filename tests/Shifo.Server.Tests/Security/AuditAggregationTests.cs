using System.Text.Json.Nodes;
using Shifo.Fhir.Serialization;
using Shifo.Fhir.Validation;
using Shifo.Server.Security.Audit;
using static Shifo.Server.Tests.Security.AuditSamples;

namespace Shifo.Server.Tests.Security;

/// <summary>Repeated allowed reads of one patient by one caller become one event; refusals and emergencies never do.</summary>
public sealed class AuditAggregationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    private static PendingAudit At(int second, Shifo.Server.Security.Access.AccessContext access, AuditRecord record) =>
        new(access, record, T0.AddSeconds(second));

    [Fact]
    public void Reads_of_one_patient_by_one_caller_combine_into_one_event_with_every_resource_and_the_count()
    {
        var doctor = Practitioner();
        var batch = new List<PendingAudit>
        {
            At(1, doctor, ReadRecord("p1", "Observation/o1")),
            At(2, doctor, ReadRecord("p2", "Observation/x1")),
            At(3, doctor, ReadRecord("p1", "Observation/o2")),
            At(4, doctor, ReadRecord("p1", "Observation/o1")),
            At(5, doctor, ReadRecord("p1", "Observation/o3") with { Denied = "no care relationship" }),
            At(6, Practitioner("unconscious patient"), ReadRecord("p1", "Observation/o4") with { Emergency = true }),
            At(7, doctor, ReadRecord("p1", "Observation/o5") with { Emergency = true }),
        };

        var combined = AuditAggregation.Combine(batch);

        Assert.Equal(5, combined.Count);
        var p1 = combined[0];
        Assert.Equal(3, p1.Record.Accesses);
        Assert.Equal("Observation/o1", p1.Record.What);
        Assert.Equal(["Observation/o2"], p1.Record.MoreWhat);
        Assert.Equal(T0.AddSeconds(1), p1.Record.Started ?? p1.Recorded);
        Assert.Equal(T0.AddSeconds(4), p1.Recorded);
        Assert.Equal(1, combined[1].Record.Accesses);
        Assert.Equal("p2", combined[1].Record.Patient);
        // refusals and emergencies stay one event each
        Assert.Equal(3, combined.Count(c => c.Record.Denied is not null || c.Record.Emergency));

        // the combined event is valid and tells the patient how often and what
        var node = new AuditEventBuilder(new AuditNode("node-1")).Build(AuditEventBuilder.NewId(), p1.Recorded, p1.Access, p1.Record);
        Assert.True(new FhirValidator().Validate(node).IsValid);
        var json = JsonNode.Parse(FhirJsonWriter.ToJson(node))!;
        var entities = json["entity"]!.AsArray();
        Assert.Equal(["Observation/o1", "Observation/o2"],
            entities.Where(e => (string?)e!["role"]!["code"] == "4").Select(e => (string?)e!["what"]!["reference"]).ToList());
        var patient = entities.Single(e => (string?)e!["role"]!["code"] == "1")!;
        Assert.Equal("3", (string?)patient["detail"]!.AsArray().Single(d => (string?)d!["type"] == "accesses")!["valueString"]);
        Assert.Equal("2026-11-21T09:00:01.000Z", (string?)json["period"]!["start"]);
    }

    [Fact]
    public void Different_callers_or_queries_do_not_combine()
    {
        var search = new AuditRecord { Interaction = "search-type", Action = AuditAction.Execute, Patient = "p1", Query = "Observation?patient=p1" };
        var batch = new List<PendingAudit>
        {
            At(1, Practitioner(), search),
            At(2, Practitioner(), search with { Query = "Observation?patient=p1&code=8867-4" }),
            At(3, Practitioner() with { ClientId = "another-app" }, search),
            At(4, Practitioner(), search),
        };
        var combined = AuditAggregation.Combine(batch);
        Assert.Equal(3, combined.Count);
        Assert.Equal(2, combined[0].Record.Accesses);
    }
}
