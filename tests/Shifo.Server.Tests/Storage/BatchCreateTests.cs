using System.Net;
using System.Text;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;
using Shifo.Server.Tests.Fixtures;
using Shifo.Storage.Model;

namespace Shifo.Server.Tests.Storage;

/// <summary>The bulk create of the benchmark loader: one transaction per batch, indexed like single creates, all or nothing.</summary>
public abstract class BatchCreateTests(ServerFixture server)
{
    private static ElementNode Patient(string id, string family) =>
        FhirJsonParser.Parse(Encoding.UTF8.GetBytes($$"""{"resourceType":"Patient","id":"{{id}}","name":[{"family":"{{family}}"}]}""")).Resource!;

    [Fact]
    public async Task A_batch_is_stored_read_back_and_indexed()
    {
        var ids = Enumerable.Range(0, 3).Select(i => $"batch-{Guid.NewGuid():N}"[..30]).ToList();
        var stored = await server.Store.CreateBatchAsync(ids.Select(id => Patient(id, "Batchova")).ToList());
        Assert.Equal(ids, stored.Select(s => s.Id));
        Assert.All(stored, s => Assert.Equal(1, s.VersionId));
        foreach (var id in ids)
        {
            var response = await server.Client.GetAsync($"fhir/Patient/{id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
            Assert.Equal(1, await server.QueryScalarAsync(
                "SELECT COUNT(*) FROM idx_string WHERE res_type = 'Patient' AND res_id = @i AND param = 'family'", ("@i", id)));
        }
    }

    [Fact]
    public async Task A_batch_with_an_existing_id_stores_nothing()
    {
        var existing = $"batch-{Guid.NewGuid():N}"[..30];
        await server.Store.CreateBatchAsync([Patient(existing, "First")]);
        var fresh = $"batch-{Guid.NewGuid():N}"[..30];
        await Assert.ThrowsAsync<ConcurrentWriteException>(() => server.Store.CreateBatchAsync([Patient(fresh, "Second"), Patient(existing, "Again")]));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"fhir/Patient/{fresh}")).StatusCode);
        Assert.Equal(0, await server.QueryScalarAsync("SELECT COUNT(*) FROM idx_string WHERE res_id = @i", ("@i", fresh)));
    }

    [Fact]
    public async Task Livez_answers_without_the_store()
    {
        var response = await server.Client.GetAsync("livez");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }
}

public sealed class SqliteBatchCreateTests(SqliteServerFixture server) : BatchCreateTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresBatchCreateTests(PostgresServerFixture server) : BatchCreateTests(server), IClassFixture<PostgresServerFixture>;
