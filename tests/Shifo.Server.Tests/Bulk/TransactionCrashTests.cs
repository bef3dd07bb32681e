using System.Collections.Concurrent;
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
/// kill -9 while several clients stream transaction Bundles, on each store: after the restart every Bundle is either
/// wholly present or wholly absent, every Bundle the server acknowledged is present, and the index rows agree with
/// the resources (each resource has its rows, no row of a resource or version that is not current).
/// </summary>
public sealed class TransactionCrashTests
{
    private const int Clients = 4;
    private const int ObservationsPerBundle = 9;
    private const int KillAfterAcknowledged = 40;

    [Fact]
    public Task Sqlite_transaction_stream_survives_kill_9() => OnSqliteAsync("txcrash", RunAsync);

    [Fact]
    public Task Postgres_transaction_stream_survives_kill_9() => OnPostgresAsync("txcrash", RunAsync);

    /// <summary>
    /// Bundle k: a Patient created with POST (fullUrl urn:uuid, identifier "bundle-k") and observations t{k}-o{j}
    /// written with PUT whose subject is the urn:uuid, so that each Bundle also exercises id assignment and
    /// reference rewriting; every third Bundle also updates the shared Organization, so that concurrent Bundles
    /// contend for one row.
    /// </summary>
    private static string Bundle(int k)
    {
        var patientUrl = "urn:uuid:" + Guid.NewGuid();
        var entries = new JsonArray
        {
            new JsonObject
            {
                ["fullUrl"] = patientUrl,
                ["resource"] = new JsonObject
                {
                    ["resourceType"] = "Patient",
                    ["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:shifo:crash", ["value"] = "bundle-" + k }),
                    ["name"] = new JsonArray(new JsonObject { ["family"] = "Crash" + k, ["given"] = new JsonArray("Aziz") }),
                },
                ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Patient" },
            },
        };
        for (var j = 0; j < ObservationsPerBundle; j++)
        {
            var observation = JsonNode.Parse(BulkData.Observation($"t{k}-o{j}", null))!;
            observation["subject"] = new JsonObject { ["reference"] = patientUrl };
            entries.Add(new JsonObject
            {
                ["resource"] = observation,
                ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = $"Observation/t{k}-o{j}" },
            });
        }
        if (k % 3 == 0)
            entries.Add(new JsonObject
            {
                ["resource"] = JsonNode.Parse(BulkData.Organization("shared-org"))!,
                ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = "Organization/shared-org" },
            });
        return new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries }.ToJsonString();
    }

    private static async Task RunAsync(string dir, Dictionary<string, string> settings, Func<SqlDialect> dialect)
    {
        var acknowledged = new ConcurrentBag<int>();
        var next = -1;
        await using (var server = await ServerProcess.StartAsync(settings, dir))
        {
            // there before the stream: the Bundles contend for its row lock (two creating it at once would be a fair 409)
            await BulkData.PutAsync(server.Client, BulkData.Organization("shared-org"));
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var k = Interlocked.Increment(ref next);
                    try
                    {
                        using var response = await server.Client.PostAsync("fhir", FhirJson(JsonNode.Parse(Bundle(k))!));
                        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                        acknowledged.Add(k);
                    }
                    catch (HttpRequestException) { return; } // the server is gone
                    catch (TaskCanceledException) { return; }
                }
            })).ToArray();

            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (acknowledged.Count < KillAfterAcknowledged)
            {
                Assert.True(DateTime.UtcNow < deadline, "the transactions made no progress");
                if (clients.FirstOrDefault(c => c.IsFaulted) is { } failed) await failed; // surface a client's failure
                await Task.Delay(5);
            }
            await server.KillAsync(); // with requests in flight
            stop.Cancel();
            await Task.WhenAll(clients);
        }

        // the restarted server opens the store (recovery) and keeps taking transactions
        await using (var second = await ServerProcess.StartAsync(settings, dir))
        {
            using var response = await second.Client.PostAsync("fhir", FhirJson(JsonNode.Parse(Bundle(next + 1))!));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var observationsPerBundle = await GroupCountsAsync(dialect,
            "SELECT res_id FROM resource WHERE res_type = 'Observation'", id => int.Parse(id[1..id.IndexOf('-')]));
        var patientsPerBundle = await GroupCountsAsync(dialect,
            "SELECT t.code FROM idx_token t JOIN resource r ON r.res_type = t.res_type AND r.res_id = t.res_id " +
            "WHERE t.res_type = 'Patient' AND t.param = 'identifier' AND t.system = 'urn:shifo:crash'",
            code => int.Parse(code["bundle-".Length..]));

        Assert.True(observationsPerBundle.Count >= KillAfterAcknowledged);
        foreach (var k in acknowledged) Assert.True(observationsPerBundle.ContainsKey(k), $"acknowledged Bundle {k} is missing");
        foreach (var (k, count) in observationsPerBundle)
        {
            Assert.True(count == ObservationsPerBundle, $"Bundle {k} is half there: {count} of {ObservationsPerBundle} observations");
            Assert.True(patientsPerBundle.GetValueOrDefault(k) == 1, $"Bundle {k} has its observations but {patientsPerBundle.GetValueOrDefault(k)} patients");
        }
        foreach (var k in patientsPerBundle.Keys) Assert.True(observationsPerBundle.ContainsKey(k), $"Bundle {k} has its patient only");

        // each observation's subject points at its own Bundle's patient: the references were rewritten inside the transaction
        Assert.Equal(0, await ScalarAsync(dialect,
            "SELECT COUNT(*) FROM resource o WHERE o.res_type = 'Observation' AND NOT EXISTS (" +
            "SELECT 1 FROM idx_reference x JOIN resource p ON p.res_type = 'Patient' AND p.res_id = x.target_id " +
            "WHERE x.res_type = 'Observation' AND x.res_id = o.res_id AND x.param = 'subject' AND x.target_type = 'Patient')"));
        // one version per resource, except the shared Organization
        Assert.Equal(0, await ScalarAsync(dialect,
            "SELECT COUNT(*) FROM resource r WHERE r.res_type <> 'Organization' AND r.version_id <> 1"));
        Assert.Equal(0, await ScalarAsync(dialect,
            "SELECT COUNT(*) FROM resource_version v WHERE v.res_type <> 'Organization' AND NOT EXISTS " +
            "(SELECT 1 FROM resource r WHERE r.res_type = v.res_type AND r.res_id = v.res_id AND r.version_id = v.version_id)"));
        // every resource has its token rows, each observation the same number (no duplicates, none missing)
        Assert.Equal(0, await ScalarAsync(dialect,
            "SELECT COUNT(*) FROM resource r WHERE r.res_type IN ('Patient', 'Observation') AND NOT EXISTS " +
            "(SELECT 1 FROM idx_token t WHERE t.res_type = r.res_type AND t.res_id = r.res_id)"));
        var tokensPerObservation = await ScalarAsync(dialect, $"SELECT COUNT(*) FROM idx_token WHERE res_type = 'Observation' AND res_id = 't{acknowledged.First()}-o0'");
        Assert.True(tokensPerObservation > 0);
        Assert.Equal(tokensPerObservation * await ScalarAsync(dialect, "SELECT COUNT(*) FROM resource WHERE res_type = 'Observation'"),
            await ScalarAsync(dialect, "SELECT COUNT(*) FROM idx_token WHERE res_type = 'Observation'"));
        await AssertIndexRowsCurrentAsync(dialect);
    }

    /// <summary>How many rows of a fixed test query (no input in it) fall to each Bundle number.</summary>
    private static async Task<Dictionary<int, int>> GroupCountsAsync(Func<SqlDialect> dialect, string sql, Func<string, int> bundleOf)
    {
        await using var d = dialect();
        await using var connection = await d.OpenAsync(CancellationToken.None);
        await using DbCommand cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        var counts = new Dictionary<int, int>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var k = bundleOf(reader.GetString(0));
            counts[k] = counts.GetValueOrDefault(k) + 1;
        }
        return counts;
    }
}
