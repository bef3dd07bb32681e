using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Shifo.Storage.Relational;
using static Shifo.Server.Tests.Bulk.BulkClient;
using static Shifo.Server.Tests.Bulk.BulkData;
using static Shifo.Server.Tests.Conformance.FhirHttp;

namespace Shifo.Server.Tests.Bulk;

/// <summary>
/// PostgreSQL writes two import batches at a time, the later one waiting for the earlier one's commit. Another writer
/// holding a row of the earlier batch while it wants one of the later batch closes a cycle of waits; the database
/// must see every wait of that cycle, break it, and let the import end (SQLite writes one batch at a time).
/// </summary>
public sealed class ImportDeadlockTests(PostgresBulkFixture server) : IClassFixture<PostgresBulkFixture>
{
    [Fact]
    public async Task Two_batches_in_flight_and_another_writer_never_wait_on_each_other_forever()
    {
        var client = server.Client;
        // 100 lines, two batches of the fixture's 50: the first updates an existing patient, the second creates `later`
        var ids = Enumerable.Range(0, 100).Select(_ => Unique("p")).ToList();
        var (existing, later) = (ids[0], ids[59]);
        await PutAsync(client, Patient(Unique("Before"), existing));
        var file = Unique("deadlock") + ".ndjson";
        File.WriteAllLines(Path.Combine(server.Folders.Import, file), ids.Select(id => Patient(Unique("Fam"), id)));

        // the other writer holds the existing patient's row, so the first batch waits for it
        var dialect = ((RelationalResourceStore)server.Store).Dialect;
        await using var connection = (NpgsqlConnection)await dialect.OpenAsync(CancellationToken.None);
        await using var tx = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, tx, "SELECT 1 FROM resource WHERE res_type = 'Patient' AND res_id = @i FOR UPDATE", existing);

        var status = await StartAsync(client, HttpMethod.Post, "fhir/$import", FhirJson(JsonNode.Parse(
            $$"""{"inputFormat":"application/fhir+ndjson","input":[{"type":"Patient","url":"{{file}}"}]}""")!));
        await Task.Delay(2000); // the second batch has written `later` and waits for the first
        // now the other writer wants `later`: a cycle, which the database breaks within its deadlock_timeout (1 s) by
        // failing one of the three; a wait it did not see would last until some statement timed out (30 s)
        var waited = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await ExecuteAsync(connection, tx,
                "INSERT INTO resource (res_type, res_id, version_id, last_updated, is_deleted) VALUES ('Patient', @i, 1, 0, false)", later);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation)
        {
            // chosen as the victim, or the second batch had committed `later` first
        }
        Assert.InRange(waited.Elapsed.TotalSeconds, 0, 10);
        await tx.RollbackAsync();

        // the import ends: completed, or failed as the victim; either way whole batches only
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpStatusCode code;
        while ((code = (await client.GetAsync(status)).StatusCode) == HttpStatusCode.Accepted && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.NotEqual(HttpStatusCode.Accepted, code);
        var stored = 0;
        foreach (var id in ids[1..])
            if ((await client.GetAsync($"fhir/Patient/{id}")).StatusCode == HttpStatusCode.OK) stored++;
        Assert.Contains(stored, new[] { 0, 49, 99 }); // none, the first batch (49 new patients besides the existing one), both
        Assert.Equal(code == HttpStatusCode.OK ? 99 : stored, stored);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, string id)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx) { CommandTimeout = 30 };
        cmd.Parameters.AddWithValue("i", id);
        await cmd.ExecuteNonQueryAsync();
    }
}
