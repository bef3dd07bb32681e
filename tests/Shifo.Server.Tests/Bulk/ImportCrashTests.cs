using System.Data.Common;
using System.Net;
using System.Text.Json.Nodes;
using Shifo.Server.Tests.Fixtures;
using Shifo.Storage.Indexing;
using Shifo.Storage.Postgres;
using Shifo.Storage.Relational;
using Shifo.Storage.Sqlite;
using static Shifo.Server.Tests.Bulk.BulkClient;
using static Shifo.Server.Tests.Bulk.CrashStores;

namespace Shifo.Server.Tests.Bulk;

/// <summary>
/// kill -9 in the middle of a large import, on each store: the restarted server resumes the job from its last
/// committed position and completes it; every resource is then present exactly once (one version) and the index
/// rows agree with the resources.
/// </summary>
public sealed class ImportCrashTests
{
    private const int Patients = 4000; // and as many observations: 8,000 lines

    [Fact]
    public Task Sqlite_import_survives_kill_9() => OnSqliteAsync("crash", RunAsync);

    [Fact]
    public Task Postgres_import_survives_kill_9() => OnPostgresAsync("crash", RunAsync);

    private static async Task RunAsync(string dir, Dictionary<string, string> settings, Func<SqlDialect> dialect)
    {
        var import = Path.Combine(dir, "import");
        Directory.CreateDirectory(import);
        settings["Bulk:Folder"] = Path.Combine(dir, "bulk");
        settings["Bulk:ImportFolder"] = import;
        settings["Bulk:ImportBatchSize"] = "100";
        File.WriteAllLines(Path.Combine(import, "patients.ndjson"),
            Enumerable.Range(0, Patients).Select(i => Conformance.FhirHttp.Patient("Crash" + i, "crash-p-" + i)));
        File.WriteAllLines(Path.Combine(import, "observations.ndjson"),
            Enumerable.Range(0, Patients).Select(i => BulkData.Observation("crash-o-" + i, "crash-p-" + i)));
        const int total = 2 * Patients;

        string status;
        await using (var first = await ServerProcess.StartAsync(settings, dir))
        {
            status = await StartAsync(first.Client, HttpMethod.Post, "fhir/$import", FhirJson(JsonNode.Parse(
                """{"input":[{"type":"Patient","url":"patients.ndjson"},{"type":"Observation","url":"observations.ndjson"}]}""")!));
            // kill once a few batches are in, well before the end
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (await PositionAsync(dialect) < 1000)
            {
                Assert.True(DateTime.UtcNow < deadline, "the import made no progress");
                await Task.Delay(20);
            }
            await first.KillAsync();
        }

        var reached = await PositionAsync(dialect);
        Assert.InRange(reached, 1000, total - 1); // stopped mid-way, with committed work to resume from
        Assert.Equal(reached, await ScalarAsync(dialect, "SELECT COUNT(*) FROM resource WHERE res_id LIKE 'crash-%'"));

        await using (var second = await ServerProcess.StartAsync(settings, dir))
        {
            var manifest = await WaitAsync(second.Client, status.Replace(new Uri(status).GetLeftPart(UriPartial.Authority), second.BaseUrl), 300);
            Assert.Equal(new Dictionary<string, long> { ["Observation"] = Patients, ["Patient"] = Patients }, Counts(manifest));
            Assert.Empty(manifest["error"]!.AsArray());
            Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync($"fhir/Observation/crash-o-{Patients - 1}")).StatusCode);
        }

        // every resource exactly once, with exactly one version
        Assert.Equal(Patients, await ScalarAsync(dialect, "SELECT COUNT(*) FROM resource WHERE res_type = 'Patient' AND res_id LIKE 'crash-p-%'"));
        Assert.Equal(Patients, await ScalarAsync(dialect, "SELECT COUNT(*) FROM resource WHERE res_type = 'Observation' AND res_id LIKE 'crash-o-%'"));
        Assert.Equal(total, await ScalarAsync(dialect, "SELECT COUNT(*) FROM resource_version"));
        // each resource has its token rows (and references for observations), each the same number: no duplicates
        Assert.Equal(0, await ScalarAsync(dialect,
            "SELECT COUNT(*) FROM resource r WHERE NOT EXISTS (SELECT 1 FROM idx_token t WHERE t.res_type = r.res_type AND t.res_id = r.res_id)"));
        Assert.Equal(0, await ScalarAsync(dialect,
            "SELECT COUNT(*) FROM resource r WHERE r.res_type = 'Observation' AND NOT EXISTS (SELECT 1 FROM idx_reference x WHERE x.res_type = r.res_type AND x.res_id = r.res_id)"));
        foreach (var type in new[] { "Patient", "Observation" })
        {
            var perResource = await ScalarAsync(dialect, $"SELECT COUNT(*) FROM idx_token WHERE res_type = '{type}' AND res_id = 'crash-{type[0..1].ToLowerInvariant()}-0'");
            Assert.True(perResource > 0);
            Assert.Equal(perResource * Patients, await ScalarAsync(dialect, $"SELECT COUNT(*) FROM idx_token WHERE res_type = '{type}'"));
        }
        await AssertIndexRowsCurrentAsync(dialect);
    }

    private static Task<long> PositionAsync(Func<SqlDialect> dialect) =>
        ScalarAsync(dialect, "SELECT COALESCE(MAX(position), 0) FROM bulk_job");
}
