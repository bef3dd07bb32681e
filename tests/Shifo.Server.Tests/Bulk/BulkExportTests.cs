using System.Net;
using System.Text.Json.Nodes;
using Shifo.Fhir.Validation;
using Shifo.Server.Tests.Fixtures;
using static Shifo.Server.Tests.Bulk.BulkClient;
using static Shifo.Server.Tests.Bulk.BulkData;
using static Shifo.Server.Tests.Conformance.FhirHttp;

namespace Shifo.Server.Tests.Bulk;

/// <summary>
/// $export over real HTTP, once per store. Each test writes its own resources after a time mark and exports with
/// _since at that mark, so counts are exact even though the tests of a class share one server.
/// </summary>
public abstract class BulkExportTests(ServerFixture server, BulkFolders folders)
{
    private HttpClient Client => server.Client;
    private static readonly FhirValidator Validator = new();

    /// <summary>Two patients with two and one observations, one unlinked observation, an organization; returns ids.</summary>
    private async Task<(string P1, string P2, string[] Obs1, string Obs2, string Loose, string Org)> LoadAsync()
    {
        string p1 = Unique("p"), p2 = Unique("p"), org = Unique("o"), loose = Unique("ob");
        string[] obs1 = [Unique("ob"), Unique("ob")];
        var obs2 = Unique("ob");
        await PutAsync(Client, Patient(Unique("Fam"), p1));
        await PutAsync(Client, Patient(Unique("Fam"), p2));
        foreach (var o in obs1) await PutAsync(Client, Observation(o, p1));
        await PutAsync(Client, Observation(obs2, p2));
        await PutAsync(Client, Observation(loose, null));
        await PutAsync(Client, Organization(org));
        return (p1, p2, obs1, obs2, loose, org);
    }

    private async Task<(JsonNode Manifest, Dictionary<string, List<JsonNode>> Files)> ExportAsync(string url)
    {
        var status = await StartAsync(Client, HttpMethod.Get, url);
        Assert.Contains("/fhir/$bulk-status/", status);
        var manifest = await WaitAsync(Client, status);
        var files = new Dictionary<string, List<JsonNode>>();
        foreach (var output in manifest["output"]!.AsArray())
        {
            var type = (string)output!["type"]!;
            var lines = await LinesAsync(Client, (string)output["url"]!);
            Assert.Equal((long)output["count"]!, lines.Count);
            foreach (var line in lines)
            {
                Assert.Equal(type, (string?)line["resourceType"]);
                var result = Validator.Validate(System.Text.Encoding.UTF8.GetBytes(line.ToJsonString()));
                Assert.True(result.IsValid, string.Join("; ", result.Issues.Select(i => i.Message)));
            }
            files[type] = lines;
        }
        return (manifest, files);
    }

    private static HashSet<string> Ids(Dictionary<string, List<JsonNode>> files, string type) =>
        files.TryGetValue(type, out var lines) ? lines.Select(l => (string)l["id"]!).ToHashSet() : [];

    [Fact]
    public async Task System_export_with_type_and_since_gives_what_was_written_after_the_mark()
    {
        await LoadAsync(); // before the mark: not exported
        var mark = await MarkAsync();
        var (p1, p2, obs1, obs2, loose, org) = await LoadAsync();

        var (manifest, files) = await ExportAsync($"fhir/$export?_type=Patient,Observation&_since={mark}&_outputFormat=application/fhir%2Bndjson");
        Assert.False((bool)manifest["requiresAccessToken"]!);
        Assert.Contains("$export?_type=Patient,Observation", (string)manifest["request"]!);
        Assert.True(DateTimeOffset.TryParse((string)manifest["transactionTime"]!, out _));
        Assert.Empty(manifest["error"]!.AsArray());
        Assert.Equal(new Dictionary<string, long> { ["Observation"] = 4, ["Patient"] = 2 }, Counts(manifest));
        Assert.Equal(new[] { p1, p2 }.Order(), Ids(files, "Patient").Order());
        Assert.Equal(new[] { obs1[0], obs1[1], obs2, loose }.Order(), Ids(files, "Observation").Order());
        Assert.DoesNotContain(org, Ids(files, "Organization"));

        // without _type: every type written after the mark, the organization too
        var (all, _) = await ExportAsync($"fhir/$export?_since={mark}");
        Assert.Equal(new Dictionary<string, long> { ["Observation"] = 4, ["Organization"] = 1, ["Patient"] = 2 }, Counts(all));
    }

    [Fact]
    public async Task Patient_export_takes_only_patient_linked_data()
    {
        var mark = await MarkAsync();
        var (p1, p2, obs1, obs2, loose, _) = await LoadAsync();
        var (manifest, files) = await ExportAsync($"fhir/Patient/$export?_since={mark}&_type=Patient,Observation,Organization");
        // the organization is not in the Patient compartment and the loose observation links to no patient
        Assert.Equal(new Dictionary<string, long> { ["Observation"] = 3, ["Patient"] = 2 }, Counts(manifest));
        Assert.Equal(new[] { p1, p2 }.Order(), Ids(files, "Patient").Order());
        Assert.DoesNotContain(loose, Ids(files, "Observation"));
        Assert.Equal(new[] { obs1[0], obs1[1], obs2 }.Order(), Ids(files, "Observation").Order());
    }

    [Fact]
    public async Task Group_export_takes_the_members_data_only()
    {
        var mark = await MarkAsync();
        var (p1, _, obs1, _, _, _) = await LoadAsync();
        var group = Unique("g");
        await PutAsync(Client, Group(group, p1));
        var (manifest, files) = await ExportAsync($"fhir/Group/{group}/$export?_since={mark}");
        // the Group itself is in its member's compartment (Group.member)
        Assert.Equal(new Dictionary<string, long> { ["Group"] = 1, ["Observation"] = 2, ["Patient"] = 1 }, Counts(manifest));
        Assert.Equal([p1], Ids(files, "Patient"));
        Assert.Equal(obs1.Order(), Ids(files, "Observation").Order());
    }

    [Fact]
    public async Task Cancelling_removes_the_job_and_its_files()
    {
        await LoadAsync();
        var status = await StartAsync(Client, HttpMethod.Get, "fhir/$export");
        var manifest = await WaitAsync(Client, status);
        var file = (string)manifest["output"]![0]!["url"]!;
        var jobId = status[(status.LastIndexOf('/') + 1)..];
        Assert.True(Directory.Exists(Path.Combine(folders.Jobs, jobId)));

        var (cancel, outcome) = await Client.SendAsync(HttpMethod.Delete, status);
        AssertOutcome(cancel, outcome, HttpStatusCode.Accepted);
        Assert.False(Directory.Exists(Path.Combine(folders.Jobs, jobId)));
        var (after, body) = await Client.SendAsync(HttpMethod.Get, status);
        AssertOutcome(after, body, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync(file)).StatusCode);
        var (again, againBody) = await Client.SendAsync(HttpMethod.Delete, status);
        AssertOutcome(again, againBody, HttpStatusCode.NotFound);

        // a job cancelled while it may still be running never comes back
        var running = await StartAsync(Client, HttpMethod.Get, "fhir/$export");
        Assert.Equal(HttpStatusCode.Accepted, (await Client.DeleteAsync(running)).StatusCode);
        await Task.Delay(300);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync(running)).StatusCode);
    }

    [Fact]
    public async Task Kickoff_errors_are_operation_outcomes()
    {
        var (unknown, body) = await Client.SendAsync(HttpMethod.Get, "fhir/$bulk-status/" + Guid.NewGuid());
        AssertOutcome(unknown, body, HttpStatusCode.NotFound);

        foreach (var (url, expected, async) in new[]
                 {
                     ("fhir/$export", HttpStatusCode.BadRequest, false),
                     ("fhir/$export?_type=NotAType", HttpStatusCode.BadRequest, true),
                     ("fhir/$export?_outputFormat=text/csv", HttpStatusCode.BadRequest, true),
                     ("fhir/$export?_since=yesterday", HttpStatusCode.BadRequest, true),
                     ($"fhir/Group/{Unique("none")}/$export", HttpStatusCode.NotFound, true),
                 })
        {
            using var response = await Client.SendAsync(Kickoff(HttpMethod.Get, url, async: async));
            AssertOutcome(response, JsonNode.Parse(await response.Content.ReadAsStringAsync()), expected);
        }
    }

    [Fact]
    public async Task CapabilityStatement_lists_the_bulk_operations()
    {
        var (_, statement) = await Client.SendAsync(HttpMethod.Get, "fhir/metadata");
        var rest = statement!["rest"]![0]!;
        Assert.Equal(["export", "import"], rest["operation"]!.AsArray().Select(o => (string)o!["name"]!).Order());
        foreach (var (type, definition) in new[] { ("Patient", "patient-export"), ("Group", "group-export") })
        {
            var resource = rest["resource"]!.AsArray().Single(r => (string?)r!["type"] == type)!;
            Assert.Contains(resource["operation"]!.AsArray(), o => ((string)o!["definition"]!).EndsWith(definition));
        }
    }

    [Fact]
    public async Task Completed_manifest_survives_in_the_database()
    {
        var mark = await MarkAsync();
        await LoadAsync();
        var status = await StartAsync(Client, HttpMethod.Get, $"fhir/$export?_since={mark}&_type=Organization");
        await WaitAsync(Client, status);
        var jobId = status[(status.LastIndexOf('/') + 1)..];
        Assert.Equal(1, await server.QueryScalarAsync("SELECT COUNT(*) FROM bulk_job WHERE job_id = @id AND status = @s AND manifest IS NOT NULL",
            ("@id", jobId), ("@s", "completed")));
    }
}

public sealed class SqliteBulkExportTests(SqliteBulkFixture server) : BulkExportTests(server, server.Folders), IClassFixture<SqliteBulkFixture>;

public sealed class PostgresBulkExportTests(PostgresBulkFixture server) : BulkExportTests(server, server.Folders), IClassFixture<PostgresBulkFixture>;
