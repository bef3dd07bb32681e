using System.Net;
using System.Text;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;
using Shifo.Server.Tests.Fixtures;
using Shifo.Storage.Model;

namespace Shifo.Server.Tests.Storage;

/// <summary>
/// The read path as tuned for throughput: the current version read from resource_version alone, on connections that
/// keep the statement prepared between reads (SQLite: open connections of the store's own; PostgreSQL: pooled ones).
/// A kept statement must never serve an old snapshot, and a write scope must still see its own writes.
/// </summary>
public abstract class ReadPathTests(ServerFixture server)
{
    private static ElementNode Patient(string id, string family) =>
        FhirJsonParser.Parse(Encoding.UTF8.GetBytes($$"""{"resourceType":"Patient","id":"{{id}}","name":[{"family":"{{family}}"}]}""")).Resource!;

    private static string NewId() => $"read-{Guid.NewGuid():N}"[..30];

    private static string Family(StoredResource stored) => FhirJsonParser.Parse(stored.Json!).Resource!.Child("name")!.Child("family")!.Value!;

    [Fact]
    public async Task Each_read_returns_the_version_committed_last()
    {
        var id = NewId();
        await server.Store.UpdateAsync(Patient(id, "V1"));
        for (var v = 1; v <= 4; v++)
        {
            // read several times so that every kept connection has run the statement before the next write
            for (var r = 0; r < 6; r++)
            {
                var read = await server.Store.ReadAsync("Patient", id);
                Assert.Equal(v, read!.VersionId);
                Assert.Equal($"V{v}", Family(read));
            }
            await server.Store.UpdateAsync(Patient(id, $"V{v + 1}"));
        }
        await server.Store.DeleteAsync("Patient", id);

        var deleted = await server.Store.ReadAsync("Patient", id);
        Assert.True(deleted!.IsDeleted);
        Assert.Equal(6, deleted.VersionId);
        Assert.Null(deleted.Json);
        Assert.Null(await server.Store.ReadAsync("Patient", NewId()));
        Assert.Equal("V3", Family((await server.Store.ReadVersionAsync("Patient", id, 3))!));
        Assert.Null(await server.Store.ReadVersionAsync("Patient", id, 7));

        Assert.Equal(HttpStatusCode.Gone, (await server.Client.GetAsync($"fhir/Patient/{id}")).StatusCode);
        var vread = await server.Client.GetAsync($"fhir/Patient/{id}/_history/2");
        Assert.Equal(HttpStatusCode.OK, vread.StatusCode);
        Assert.Equal("W/\"2\"", vread.Headers.ETag?.ToString());
        Assert.Equal(HttpStatusCode.Gone, (await server.Client.GetAsync($"fhir/Patient/{id}/_history/6")).StatusCode);
    }

    [Fact]
    public async Task Concurrent_readers_never_go_back_to_an_older_version()
    {
        var id = NewId();
        await server.Store.UpdateAsync(Patient(id, "W1"));
        const int writes = 25;
        var writer = Task.Run(async () =>
        {
            for (var i = 2; i <= writes; i++) await server.Store.UpdateAsync(Patient(id, $"W{i}"));
        });
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            long last = 0;
            while (!writer.IsCompleted)
            {
                var read = await server.Store.ReadAsync("Patient", id);
                Assert.True(read!.VersionId >= last, $"read version {read.VersionId} after {last}");
                Assert.Equal($"W{read.VersionId}", Family(read));
                last = read.VersionId;
            }
        })).ToList();
        await writer;
        await Task.WhenAll(readers);
        Assert.Equal(writes, (await server.Store.ReadAsync("Patient", id))!.VersionId);
    }

    [Fact]
    public async Task A_write_scope_reads_its_own_version_while_others_read_the_committed_one()
    {
        var id = NewId();
        await server.Store.UpdateAsync(Patient(id, "Before"));
        await using (var scope = await server.Store.BeginWriteScopeAsync())
        {
            await scope.UpdateAsync(Patient(id, "Inside"));
            Assert.Equal("Inside", Family((await scope.ReadAsync("Patient", id))!));
            var outside = await server.Store.ReadAsync("Patient", id);
            Assert.Equal(1, outside!.VersionId);
            Assert.Equal("Before", Family(outside));
            await scope.CommitAsync();
        }
        Assert.Equal(2, (await server.Store.ReadAsync("Patient", id))!.VersionId);
    }
}

public sealed class SqliteReadPathTests(SqliteServerFixture server) : ReadPathTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresReadPathTests(PostgresServerFixture server) : ReadPathTests(server), IClassFixture<PostgresServerFixture>;
