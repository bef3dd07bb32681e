using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Audit;
using Shifo.Server.Tests.Conformance;
using Shifo.Server.Tests.Fixtures;
using static Shifo.Server.Tests.Security.AuditSamples;

namespace Shifo.Server.Tests.Security;

/// <summary>
/// The audit trail in a running server: reported accesses are stored by the background writer and found over HTTP by
/// patient, entity, date and compartment ("who looked at my data"), once per store. Each test uses patients of its own.
/// </summary>
public abstract class AuditTrailTests(ServerFixture server)
{
    private IAuditTrail Trail => server.Services.GetRequiredService<IAuditTrail>();
    private AuditWriter Writer => server.Services.GetRequiredService<AuditWriter>();

    private static string NewPatient() => "pat-" + Guid.NewGuid().ToString("N")[..16];

    [Fact]
    public async Task Events_are_found_by_patient_entity_date_and_compartment_newest_first()
    {
        var patient = NewPatient();
        var observation = "Observation/obs-" + patient;
        var t0 = DateTimeOffset.UtcNow;
        Trail.Record(Practitioner(), ReadRecord(patient, observation) with { Started = t0 });
        await Task.Delay(20);
        Trail.Record(SystemClient(), SearchRecord(patient, $"Observation?patient={patient}"));
        await Task.Delay(20);
        var middle = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await Trail.RecordAsync(Practitioner(), RefusedRecord(patient, "Condition/c-" + patient));
        await Task.Delay(20);
        Trail.Record(Practitioner("Patient arrived unconscious"), EmergencyRecord(patient, "AllergyIntolerance/a-" + patient));
        await Task.Delay(20);
        // the citizen looking at their own history: found through agent.who, no entity needed
        Trail.Record(Citizen(patient), new AuditRecord { Interaction = "history-type", Action = AuditAction.Read });

        // a write's event, stored by the caller in its own transaction
        await Task.Delay(20);
        var forWrite = Trail.ForWrite(Practitioner(), CreateRecord(patient, "Observation/new-" + patient));
        await using (var scope = await server.Store.BeginWriteScopeAsync())
        {
            await scope.CreateAsync(forWrite, forWrite.Child("id")!.Value);
            await scope.CommitAsync();
        }

        var all = await AuditSearch.WaitForAsync(server.Client, $"AuditEvent?patient=Patient/{patient}&_sort=-date", 6);
        var recorded = all.Select(e => DateTimeOffset.Parse((string)e["recorded"]!)).ToList();
        Assert.Equal(recorded.OrderByDescending(r => r), recorded);
        Assert.Equal(["create", "history-type", "read", "read", "search-type", "read"], all.Select(e => (string)e["subtype"]![0]!["code"]!));
        Assert.All(all, e => Assert.Equal("1", (string?)e["meta"]!["versionId"]));

        Assert.Equal(5, (await AuditSearch.WaitForAsync(server.Client, $"AuditEvent?entity=Patient/{patient}", 5)).Count);
        var read = Assert.Single(await AuditSearch.WaitForAsync(server.Client, $"AuditEvent?entity={observation}", 1));
        Assert.Equal("Practitioner/1", (string?)read["agent"]![0]!["who"]!["reference"]);
        var at = middle.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        await AuditSearch.WaitForAsync(server.Client, $"AuditEvent?patient=Patient/{patient}&date=ge{at}", 4);
        await AuditSearch.WaitForAsync(server.Client, $"AuditEvent?patient=Patient/{patient}&date=lt{at}", 2);
        var refused = Assert.Single(await AuditSearch.WaitForAsync(server.Client, $"AuditEvent?patient=Patient/{patient}&outcome=4", 1));
        Assert.Equal("No care relationship with the patient.", (string?)refused["outcomeDesc"]);
        var emergency = Assert.Single(await AuditSearch.WaitForAsync(server.Client, $"AuditEvent?patient=Patient/{patient}&entity={Uri.EscapeDataString("AllergyIntolerance/a-" + patient)}", 1));
        Assert.Equal("Patient arrived unconscious", (string?)emergency["purposeOfEvent"]![0]!["text"]);

        // the citizen's compartment: the Patient compartment includes AuditEvent by its patient parameter
        Assert.Equal(6, (await AuditSearch.WaitForAsync(server.Client, $"Patient/{patient}/AuditEvent", 6)).Count);
        // another patient sees none of them
        Assert.Empty(AuditSearch.Events(await AuditSearch.BundleAsync(server.Client, $"AuditEvent?patient=Patient/{NewPatient()}")));
    }

    [Fact]
    public async Task Agents_named_by_identifier_are_not_taken_for_patients()
    {
        var patient = NewPatient();
        var client = "client-" + patient;
        Trail.Record(SystemClient() with { ClientId = client }, SearchRecord(patient, "Observation?code=8867-4"));
        await AuditSearch.WaitForAsync(server.Client, $"AuditEvent?patient=Patient/{patient}", 1);
        // the client is an agent (agent parameter), but resolve() of an identifier is no Patient (patient parameter)
        await AuditSearch.WaitForAsync(server.Client, $"AuditEvent?agent:identifier={AuditCodes.ClientSystem}|{client}", 1);
        Assert.Equal(0, await AuditSearch.CountAsync(server.Client, $"AuditEvent?patient:identifier={AuditCodes.ClientSystem}|{client}"));
    }

    [Fact]
    public async Task Many_threads_recording_lose_nothing()
    {
        var patient = NewPatient();
        const int threads = 8, each = 150;
        var lostBefore = Writer.Lost;
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < each; i++)
                Trail.Record(Practitioner(), ReadRecord(patient, $"Observation/t{t}-{i}"));
        })));
        var until = DateTime.UtcNow.AddSeconds(60);
        long count;
        while ((count = await AuditSearch.CountAsync(server.Client, $"AuditEvent?patient=Patient/{patient}")) < threads * each && DateTime.UtcNow < until)
            await Task.Delay(200);
        Assert.Equal(threads * each, count);
        Assert.Equal(1, await AuditSearch.CountAsync(server.Client, $"AuditEvent?entity=Observation/t3-77"));
        Assert.Equal(lostBefore, Writer.Lost);
    }

    [Fact]
    public async Task Health_shows_the_audit_queue_depth()
    {
        var (response, body) = await server.Client.SendAsync(HttpMethod.Get, "healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, body!["auditQueue"]!.GetValueKind());
        Assert.True((int)body["auditQueue"]! >= 0);
    }
}

public sealed class SqliteAuditTrailTests(SqliteAuditFixture server) : AuditTrailTests(server), IClassFixture<SqliteAuditFixture>;

public sealed class PostgresAuditTrailTests(PostgresAuditFixture server) : AuditTrailTests(server), IClassFixture<PostgresAuditFixture>;
