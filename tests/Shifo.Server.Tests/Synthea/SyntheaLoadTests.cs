using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shifo.Server.Tests.Conformance;
using Shifo.Server.Tests.Fixtures;
using Shifo.Testing;

namespace Shifo.Server.Tests.Synthea;

/// <summary>
/// Loads every Synthea entry with a plain create (POST), rewriting urn:uuid references to the ids the server
/// assigned, then checks reads, counts and index rows against what the files themselves say.
/// </summary>
public abstract partial class SyntheaLoadTests(ServerFixture server)
{
    [Fact]
    public async Task Every_entry_loads_reads_back_and_is_counted_and_indexed()
    {
        var client = server.Client;
        var (bundles, _, expected) = await SyntheaLoader.LoadAsync(server);

        // counts, computed from the files
        var perType = bundles.SelectMany(b => b.Entries).GroupBy(e => (string)e!["resource"]!["resourceType"]!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(perType.Values.Sum(), expected.Count);
        foreach (var (type, count) in perType)
        {
            var (_, bundle) = await client.SendAsync(HttpMethod.Get, $"fhir/{type}?_count=0");
            Assert.True(count == (int)bundle!["total"]!, $"{type}: {count} in the files, {(int)bundle["total"]!} in the store");
        }
        var (_, system) = await client.SendAsync(HttpMethod.Get, "fhir/_history?_count=0");
        Assert.Equal(perType.Values.Sum(), (int)system!["total"]!);

        // every resource reads back as it was sent, apart from the server's id and meta
        foreach (var (reference, sent) in expected)
        {
            var (response, body) = await client.SendAsync(HttpMethod.Get, "fhir/" + reference);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var read = body!.AsObject();
            Assert.Equal(reference.Split('/')[1], (string?)read["id"]);
            Assert.Equal("1", (string?)read["meta"]!["versionId"]);
            read.Remove("id");
            read.Remove("meta");
            var original = sent.DeepClone().AsObject();
            original.Remove("meta");
            using var a = JsonDocument.Parse(original.ToJsonString());
            using var b = JsonDocument.Parse(read.ToJsonString());
            Assert.True(JsonEquality.FirstDifference(a.RootElement, b.RootElement) is null,
                $"{reference} differs at {JsonEquality.FirstDifference(a.RootElement, b.RootElement)}");
        }

        // index rows: Observation.subject and Encounter.subject references to patients, as many as the files hold
        foreach (var type in new[] { "Observation", "Encounter", "Condition" })
        {
            var subjects = bundles.SelectMany(b => b.Entries).Select(e => e!["resource"]!)
                .Count(r => (string?)r["resourceType"] == type && r["subject"]?["reference"] is not null);
            Assert.Equal(subjects, await server.QueryScalarAsync(
                "SELECT COUNT(*) FROM idx_reference WHERE res_type = @t AND param = 'subject' AND target_type = 'Patient'", ("@t", type)));
        }
        var loincCodes = bundles.SelectMany(b => b.Entries).Select(e => e!["resource"]!)
            .Where(r => (string?)r["resourceType"] == "Observation")
            .Sum(r => r["code"]!["coding"]!.AsArray().Count(c => (string?)c!["system"] == "http://loinc.org"));
        Assert.Equal(loincCodes, await server.QueryScalarAsync(
            "SELECT COUNT(*) FROM idx_token WHERE res_type = 'Observation' AND param = 'code' AND system = 'http://loinc.org'"));
        var birthDates = bundles.SelectMany(b => b.Entries).Select(e => e!["resource"]!)
            .Count(r => (string?)r["resourceType"] == "Patient" && r["birthDate"] is not null);
        Assert.Equal(birthDates, await server.QueryScalarAsync("SELECT COUNT(*) FROM idx_date WHERE res_type = 'Patient' AND param = 'birthdate'"));
    }
}

public sealed class SqliteSyntheaLoadTests(SqliteServerFixture server) : SyntheaLoadTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresSyntheaLoadTests(PostgresServerFixture server) : SyntheaLoadTests(server), IClassFixture<PostgresServerFixture>;
