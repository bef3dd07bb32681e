using System.Net;
using System.Text.Json.Nodes;
using Shifo.Server.Bulk;
using Shifo.Server.Tests.Fixtures;
using Shifo.Storage.Jobs;
using static Shifo.Server.Tests.Bulk.BulkClient;
using static Shifo.Server.Tests.Bulk.BulkData;
using static Shifo.Server.Tests.Conformance.FhirHttp;

namespace Shifo.Server.Tests.Bulk;

/// <summary>$import over real HTTP, once per store: valid lines stored and indexed, one outcome per invalid line, resume by position.</summary>
public abstract class BulkImportTests(ServerFixture server, BulkFolders folders)
{
    private HttpClient Client => server.Client;

    private Task<long> TokenRowsAsync(string type, string id) =>
        server.QueryScalarAsync("SELECT COUNT(*) FROM idx_token WHERE res_type = @t AND res_id = @i", ("@t", type), ("@i", id));

    private Task<long> VersionsAsync(string type, string id) =>
        server.QueryScalarAsync("SELECT COUNT(*) FROM resource_version WHERE res_type = @t AND res_id = @i", ("@t", type), ("@i", id));

    private static JsonNode Parameters(params (string? Type, string Url)[] inputs) => new JsonObject
    {
        ["resourceType"] = "Parameters",
        ["parameter"] = new JsonArray([.. inputs.Select(i => (JsonNode)new JsonObject
        {
            ["name"] = "input",
            ["part"] = i.Type is null
                ? new JsonArray(new JsonObject { ["name"] = "url", ["valueUri"] = i.Url })
                : new JsonArray(new JsonObject { ["name"] = "type", ["valueCode"] = i.Type }, new JsonObject { ["name"] = "url", ["valueUri"] = i.Url }),
        })]),
    };

    [Fact]
    public async Task Body_import_stores_valid_lines_and_reports_each_invalid_one()
    {
        string patient = Unique("p"), observation = Unique("ob"), bad = Unique("p");
        var status = await StartAsync(Client, HttpMethod.Post, "fhir/$import", Ndjson(
        [
            Patient(Unique("Fam"), patient),
            "{not json",
            $$"""{"resourceType":"Patient","id":"{{bad}}","birthDate":"not-a-date"}""",
            Observation(observation, patient),
            "",
            """{"resourceType":"NotAType"}""",
        ]));
        var manifest = await WaitAsync(Client, status);
        Assert.Equal(new Dictionary<string, long> { ["Observation"] = 1, ["Patient"] = 1 }, Counts(manifest));
        var error = Assert.Single(manifest["error"]!.AsArray())!;
        Assert.Equal("OperationOutcome", (string?)error["type"]);
        Assert.Equal(3, (long)error["count"]!);
        var outcomes = await LinesAsync(Client, (string)error["url"]!);
        Assert.Equal(3, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal("OperationOutcome", (string?)o["resourceType"]));
        Assert.Equal(["Line 2 ", "Line 3 ", "Line 6 "], outcomes.Select(o => ((string)o["issue"]![0]!["diagnostics"]!)[..7]));

        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"fhir/Patient/{patient}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"fhir/Observation/{observation}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"fhir/Patient/{bad}")).StatusCode);
        Assert.True(await TokenRowsAsync("Patient", patient) > 0);
        Assert.True(await TokenRowsAsync("Observation", observation) > 0);
        // indexed: searchable at once
        var (_, found) = await Client.SendAsync(HttpMethod.Get, $"fhir/Observation?subject=Patient/{patient}");
        Assert.Equal(1, (int)found!["total"]!);
    }

    [Fact]
    public async Task File_import_through_parameters_and_manifest_with_type_checks()
    {
        var patients = Enumerable.Range(0, 3).Select(_ => Unique("p")).ToList();
        var stray = Unique("p");
        File.WriteAllLines(Path.Combine(folders.Import, "patients.ndjson"), patients.Select(p => Patient(Unique("Fam"), p)));
        File.WriteAllLines(Path.Combine(folders.Import, "obs.ndjson"), [Observation(Unique("ob"), patients[0]), Patient(Unique("Fam"), stray)]);

        var manifest = await WaitAsync(Client, await StartAsync(Client, HttpMethod.Post, "fhir/$import",
            FhirJson(Parameters(("Patient", "patients.ndjson"), ("Observation", "file://" + Path.Combine(folders.Import, "obs.ndjson"))))));
        Assert.Equal(new Dictionary<string, long> { ["Observation"] = 1, ["Patient"] = 3 }, Counts(manifest));
        Assert.Equal(1, (long)manifest["error"]![0]!["count"]!); // the Patient in the Observation input
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"fhir/Patient/{stray}")).StatusCode);

        var viaManifest = await WaitAsync(Client, await StartAsync(Client, HttpMethod.Post, "fhir/$import",
            FhirJson(JsonNode.Parse("""{"inputFormat":"application/fhir+ndjson","input":[{"type":"Patient","url":"patients.ndjson"}]}""")!)));
        Assert.Equal(new Dictionary<string, long> { ["Patient"] = 3 }, Counts(viaManifest));
        Assert.Empty(viaManifest["error"]!.AsArray());
        // imported twice under the same ids: still one resource each, now at version 2
        foreach (var p in patients) Assert.Equal(2, await VersionsAsync("Patient", p));
        Assert.Equal(3, await server.QueryScalarAsync(
            $"SELECT COUNT(*) FROM resource WHERE res_type = 'Patient' AND res_id IN (@a, @b, @c)", ("@a", patients[0]), ("@b", patients[1]), ("@c", patients[2])));

        foreach (var url in new[] { "/etc/hostname", "../outside.ndjson", "http://example.org/p.ndjson", "missing.ndjson" })
        {
            using var response = await Client.SendAsync(Kickoff(HttpMethod.Post, "fhir/$import", FhirJson(Parameters(("Patient", url)))));
            AssertOutcome(response, JsonNode.Parse(await response.Content.ReadAsStringAsync()), HttpStatusCode.BadRequest);
        }
        using var sync = await Client.SendAsync(Kickoff(HttpMethod.Post, "fhir/$import", FhirJson(Parameters(("Patient", "patients.ndjson"))), async: false));
        AssertOutcome(sync, JsonNode.Parse(await sync.Content.ReadAsStringAsync()), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_interrupted_import_resumes_after_its_committed_position()
    {
        var ids = Enumerable.Range(0, 10).Select(_ => Unique("p")).ToList();
        var lines = ids.Select(p => Patient(Unique("Fam"), p)).ToList();
        File.WriteAllLines(Path.Combine(folders.Import, "first5.ndjson"), lines.Take(5));
        var all = Path.Combine(folders.Import, "all10.ndjson");
        File.WriteAllLines(all, lines);
        await WaitAsync(Client, await StartAsync(Client, HttpMethod.Post, "fhir/$import", FhirJson(Parameters(("Patient", "first5.ndjson")))));

        // the state a crash after the first five lines' commit leaves: a running job at position 5
        var jobId = Guid.CreateVersion7().ToString();
        var spec = new BulkSpec { Inputs = [new ImportInput("Patient", "all10.ndjson", all)], BaseUrl = server.Fhir };
        var now = DateTimeOffset.UtcNow;
        await new JobStore(server.Store).CreateAsync(new BulkJob(jobId, BulkKinds.Import, JobStatus.Running, server.Fhir + "/$import",
            spec.ToJson(), now, now, "5 lines done", 5, """{"Patient":5}""", null), CancellationToken.None);

        var manifest = await WaitAsync(Client, $"{server.Fhir}/$bulk-status/{jobId}");
        Assert.Equal(new Dictionary<string, long> { ["Patient"] = 10 }, Counts(manifest));
        // the first five were not written again: still at version 1
        foreach (var id in ids) Assert.Equal(1, await VersionsAsync("Patient", id));
    }

    [Fact]
    public async Task A_long_import_keeps_line_order_across_batches_written_side_by_side()
    {
        // 260 lines, six batches of the fixture's 50: PostgreSQL writes two batches at a time, SQLite one
        var family = Unique("Long");
        var ids = Enumerable.Range(0, 258).Select(_ => Unique("p")).ToList();
        var lines = ids.Select((id, i) => Patient($"{family}{i:D3}", id)).ToList();
        // ids[44] again in the next batch (line 56), ids[4] again four batches later (line 206), one bad line in each of two batches
        lines.Insert(55, Patient($"{family}again-near", ids[44]));
        lines.Insert(205, Patient($"{family}again-far", ids[4]));
        lines[120] = """{"resourceType":"Patient","birthDate":"not-a-date"}""";
        lines[230] = "{not json";

        var manifest = await WaitAsync(Client, await StartAsync(Client, HttpMethod.Post, "fhir/$import", Ndjson(lines)));
        Assert.Equal(new Dictionary<string, long> { ["Patient"] = 258 }, Counts(manifest));
        Assert.Equal(2, (long)manifest["error"]![0]!["count"]!);
        var outcomes = await LinesAsync(Client, (string)manifest["error"]![0]!["url"]!);
        Assert.Equal(["Line 121 ", "Line 231 "], outcomes.Select(o => ((string)o["issue"]![0]!["diagnostics"]!)[..9]).Order());

        // a repeated id is a second version holding its later line, whether the two lines were written side by side or not
        foreach (var (id, later) in new[] { (ids[44], "again-near"), (ids[4], "again-far") })
        {
            Assert.Equal(2, await VersionsAsync("Patient", id));
            var (_, current) = await Client.SendAsync(HttpMethod.Get, $"fhir/Patient/{id}");
            Assert.Equal(family + later, (string?)current!["name"]![0]!["family"]);
        }
        // every other valid line is its own resource, at version 1, indexed; the two lines replaced by bad ones are not
        var (_, found) = await Client.SendAsync(HttpMethod.Get, $"fhir/Patient?family={family}&_count=1&_total=accurate");
        Assert.Equal(256, (int)found!["total"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"fhir/Patient/{ids[119]}")).StatusCode);
        Assert.Equal(1, await VersionsAsync("Patient", ids[257]));
    }

    [Fact]
    public async Task An_import_cancelled_while_it_writes_keeps_whole_batches_only()
    {
        const int lines = 6000;
        var family = Unique("Cancel");
        var file = family + ".ndjson";
        File.WriteAllLines(Path.Combine(folders.Import, file), Enumerable.Range(0, lines).Select(i => Patient($"{family}{i:D4}", Unique("p"))));
        var status = await StartAsync(Client, HttpMethod.Post, "fhir/$import", FhirJson(Parameters(("Patient", file))));
        Task<long> StoredAsync() => server.QueryScalarAsync(
            "SELECT COUNT(*) FROM idx_string WHERE res_type = 'Patient' AND param = 'family' AND value_exact LIKE @f", ("@f", family + "%"));
        // cancel once some batches are in, while others are being written
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await StoredAsync() == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(HttpStatusCode.Accepted, (await Client.DeleteAsync(status)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync(status)).StatusCode);
        await Task.Delay(500);
        var stored = await StoredAsync();
        await Task.Delay(500);
        Assert.Equal(stored, await StoredAsync());
        // every batch of the fixture's 50 lines is in whole or not at all, and the job stopped before its end
        Assert.Equal(0, stored % 50);
        Assert.InRange(stored, 50, lines - 50);
    }
}

public sealed class SqliteBulkImportTests(SqliteBulkFixture server) : BulkImportTests(server, server.Folders), IClassFixture<SqliteBulkFixture>;

public sealed class PostgresBulkImportTests(PostgresBulkFixture server) : BulkImportTests(server, server.Folders), IClassFixture<PostgresBulkFixture>;
