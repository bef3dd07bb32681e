using System.Text;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;
using Shifo.Server.Tests.Fixtures;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Server.Tests.Storage;

/// <summary>
/// A write scope holds back the rows of the resources it creates and writes them together: its own reads, searches
/// and later writes still see them, nobody else sees anything before commit, and a failure at that late write rolls
/// back the whole scope.
/// </summary>
public abstract class WriteScopeTests(ServerFixture server)
{
    private static ElementNode Patient(string family, string? id = null) => FhirJsonParser.Parse(Encoding.UTF8.GetBytes(
        id is null
            ? $$"""{"resourceType":"Patient","name":[{"family":"{{family}}"}]}"""
            : $$"""{"resourceType":"Patient","id":"{{id}}","name":[{"family":"{{family}}"}]}""")).Resource!;

    private Task<long> RowsOfFamilyAsync(string family) => server.QueryScalarAsync(
        "SELECT COUNT(*) FROM idx_string WHERE res_type = 'Patient' AND param = 'family' AND value_norm = @v", ("@v", family.ToLowerInvariant()));

    [Fact]
    public async Task The_scope_sees_its_own_creates_and_others_see_them_at_commit()
    {
        var family = "Scopeova" + Guid.NewGuid().ToString("N")[..8];
        await using var scope = await server.Store.BeginWriteScopeAsync();
        var first = await scope.CreateAsync(Patient(family));
        var second = await scope.CreateAsync(Patient(family));

        // its own read and search find them
        Assert.Equal(first.Id, (await scope.ReadAsync("Patient", first.Id))?.Id);
        var page = await scope.SearchAsync(new SearchQuery { ResourceType = "Patient", Parameters = [new SearchParameter("family", null, family)], Count = 10 });
        Assert.Equal(new[] { first.Id, second.Id }.Order(StringComparer.Ordinal), page.Matches.Select(m => m.Id).Order(StringComparer.Ordinal));
        // a later write of a created id in the same scope makes version 2 of it
        var third = await scope.CreateAsync(Patient(family));
        var updated = await scope.UpdateAsync(Patient(family + "x", third.Id));
        Assert.False(updated.Created);
        Assert.Equal(2, updated.Resource.VersionId);
        // creating a created id again is the same conflict as ever
        await Assert.ThrowsAsync<ConcurrentWriteException>(() => scope.CreateAsync(Patient(family), second.Id));

        Assert.Null(await server.Store.ReadAsync("Patient", first.Id)); // nothing visible outside before commit
        await scope.CommitAsync();
        Assert.Equal(2, await RowsOfFamilyAsync(family));
        Assert.Equal(1, await RowsOfFamilyAsync(family + "x"));
        Assert.Equal(2, (await server.Store.ReadAsync("Patient", third.Id))?.VersionId);
    }

    [Fact]
    public async Task A_clash_found_when_the_held_rows_are_written_rolls_back_the_whole_scope()
    {
        var family = "Clashova" + Guid.NewGuid().ToString("N")[..8];
        var taken = await server.Store.CreateAsync(Patient("Takenova"));
        var versions = await server.QueryScalarAsync("SELECT COUNT(*) FROM resource_version");

        await using (var scope = await server.Store.BeginWriteScopeAsync())
        {
            await scope.CreateAsync(Patient(family));
            await scope.CreateAsync(Patient(family), taken.Id); // an id the store has: found when the rows are written
            await Assert.ThrowsAsync<ConcurrentWriteException>(() => scope.CommitAsync());
        }

        Assert.Equal(versions, await server.QueryScalarAsync("SELECT COUNT(*) FROM resource_version"));
        Assert.Equal(0, await RowsOfFamilyAsync(family));
        Assert.Equal(1, (await server.Store.ReadAsync("Patient", taken.Id))?.VersionId);
    }
}

public sealed class SqliteWriteScopeTests(SqliteServerFixture server) : WriteScopeTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresWriteScopeTests(PostgresServerFixture server) : WriteScopeTests(server), IClassFixture<PostgresServerFixture>;
