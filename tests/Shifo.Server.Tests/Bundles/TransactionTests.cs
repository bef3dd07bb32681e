using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shifo.Server.Tests.Conformance;
using Shifo.Server.Tests.Fixtures;
using Shifo.Server.Tests.Synthea;
using Shifo.Testing;
using static Shifo.Server.Tests.Bundles.BundleJson;

namespace Shifo.Server.Tests.Bundles;

/// <summary>transaction and batch Bundles through HTTP: references, order, rollback, per-entry outcomes.</summary>
public abstract class TransactionTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private Task<long> VersionRowsAsync() => server.QueryScalarAsync("SELECT COUNT(*) FROM resource_version");

    private async Task<string> CreateAsync(JsonObject resource)
    {
        var (response, body) = await Client.SendAsync(HttpMethod.Post, $"fhir/{resource["resourceType"]}", resource.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)body!["id"]!;
    }

    private async Task<int> CountAsync(string query)
    {
        var (response, body) = await Client.SendAsync(HttpMethod.Get, "fhir/" + query + "&_total=accurate");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (int)body!["total"]!;
    }

    [Fact]
    public async Task Synthea_bundles_post_as_transactions_and_read_back_with_references_resolved()
    {
        var assigned = new Dictionary<string, string>(StringComparer.Ordinal);
        var sent = new List<(string Reference, JsonObject Expected)>();
        foreach (var (name, entries) in SyntheaFiles.Bundles())
        {
            var copy = (JsonArray)entries.DeepClone();
            var own = copy.Select(e => (string)e!["fullUrl"]!).ToHashSet(StringComparer.Ordinal);
            // references into earlier bundles (patients → hospitals, practitioners) are to what those transactions created
            foreach (var reference in SyntheaFiles.UrnReferences(copy).ToList())
                if (!own.Contains(reference.GetValue<string>()) && assigned.TryGetValue(reference.GetValue<string>(), out var earlier))
                    reference.ReplaceWith(JsonValue.Create(earlier));
            var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = copy.DeepClone() };
            var (response, body) = await Client.PostBundleAsync(bundle.ToJsonString());
            AssertOk(response, body);
            Assert.Equal("transaction-response", (string?)body!["type"]);
            var results = body["entry"]!.AsArray();
            Assert.Equal(entries.Count, results.Count);
            var local = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < entries.Count; i++)
            {
                Assert.True(Status(results[i]) == "201", $"{name} entry {i}: {results[i]!["response"]!.ToJsonString()}");
                Assert.Equal("W/\"1\"", (string?)results[i]!["response"]!["etag"]);
                local[(string)entries[i]!["fullUrl"]!] = Reference(results[i]);
            }
            for (var i = 0; i < entries.Count; i++)
            {
                // what the server should hold: each remaining urn:uuid reference is now the Type/id its entry was stored under
                var expected = copy[i]!["resource"]!.DeepClone().AsObject();
                foreach (var reference in SyntheaFiles.UrnReferences(expected).ToList())
                    reference.ReplaceWith(JsonValue.Create(local[reference.GetValue<string>()]));
                sent.Add((Reference(results[i]), expected));
            }
            foreach (var (fullUrl, reference) in local) assigned[fullUrl] = reference;
        }

        // every resource reads back as the file has it, references resolved
        foreach (var (reference, original) in sent)
        {
            var (response, body) = await Client.SendAsync(HttpMethod.Get, "fhir/" + reference);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var read = body!.AsObject();
            read.Remove("id");
            read.Remove("meta");
            var expected = original.DeepClone().AsObject();
            expected.Remove("id");
            expected.Remove("meta");
            using var a = JsonDocument.Parse(expected.ToJsonString());
            using var b = JsonDocument.Parse(read.ToJsonString());
            Assert.True(JsonEquality.FirstDifference(a.RootElement, b.RootElement) is null,
                $"{reference} differs at {JsonEquality.FirstDifference(a.RootElement, b.RootElement)}");
        }
        // and each is one version: the transactions wrote every entry exactly once
        var ids = sent.Select(r => r.Reference.Split('/')[1]).ToList();
        long versions = 0;
        foreach (var chunk in ids.Chunk(200))
            versions += await server.QueryScalarAsync(
                $"SELECT COUNT(*) FROM resource_version WHERE res_id IN ({string.Join(",", chunk.Select((_, i) => "@p" + i))})",
                chunk.Select((id, i) => ("@p" + i, (object)id)).ToArray());
        Assert.Equal(sent.Count, versions);
    }

    [Fact]
    public async Task Transaction_resolves_references_and_runs_DELETE_POST_PUT_GET_in_that_order()
    {
        var family = Unique("Txn");
        var existingId = await CreateAsync(Patient(family + "Old"));
        var updatedId = await CreateAsync(Patient(family + "Upd"));
        var replaced = Unique("Rep");
        await CreateAsync(Patient(replaced));
        var matchedByIfNoneExist = await CreateAsync(Patient(family + "Exists"));

        var updated = Patient(family + "Upd", "male");
        updated["id"] = updatedId;
        var bundle = Bundle("transaction",
            // listed first, run last: it sees the patient the POST below creates
            Entry("GET", $"Patient?identifier={IdSystem}|PINFL-{family}New"),
            Entry("POST", "Patient", Patient(family + "New"), "urn:uuid:8a4b4f2c-0e0d-4a7e-9a68-2c2a4c6c0001"),
            Entry("POST", "Observation", Observation("urn:uuid:8a4b4f2c-0e0d-4a7e-9a68-2c2a4c6c0001"), "urn:uuid:8a4b4f2c-0e0d-4a7e-9a68-2c2a4c6c0002"),
            Entry("POST", "Observation", Observation($"Patient?identifier={IdSystem}|PINFL-{family}Old")),
            Entry("PUT", $"Patient/{updatedId}", updated, ifMatch: "W/\"1\""),
            Entry("POST", "Patient", Patient(family + "Exists"), ifNoneExist: $"identifier={IdSystem}|PINFL-{family}Exists"),
            // run before the POST of the same identifier: exactly one such patient is left, the new one
            Entry("POST", "Patient", Patient(replaced), "urn:uuid:8a4b4f2c-0e0d-4a7e-9a68-2c2a4c6c0003"),
            Entry("DELETE", $"Patient?identifier={IdSystem}|PINFL-{replaced}"));
        var (response, body) = await Client.PostBundleAsync(bundle);
        AssertOk(response, body);
        var results = body!["entry"]!.AsArray();
        Assert.Equal(["200", "201", "201", "201", "200", "200", "201", "204"], results.Select(Status).ToArray());

        var search = results[0]!["resource"]!;
        Assert.Equal("searchset", (string?)search["type"]);
        var newPatient = Reference(results[1]);
        Assert.Equal(newPatient, $"Patient/{(string)search["entry"]![0]!["resource"]!["id"]!}");

        var (_, obs1) = await Client.SendAsync(HttpMethod.Get, "fhir/" + Reference(results[2]));
        Assert.Equal(newPatient, (string?)obs1!["subject"]!["reference"]);
        var (_, obs2) = await Client.SendAsync(HttpMethod.Get, "fhir/" + Reference(results[3]));
        Assert.Equal($"Patient/{existingId}", (string?)obs2!["subject"]!["reference"]);
        Assert.Equal("W/\"2\"", (string?)results[4]!["response"]!["etag"]);
        Assert.Equal("male", (string?)results[4]!["resource"]!["gender"]);
        Assert.Equal($"{server.Fhir}/Patient/{matchedByIfNoneExist}", (string?)results[5]!["fullUrl"]);
        Assert.Equal(1, await CountAsync($"Patient?identifier={IdSystem}|PINFL-{family}Exists"));
        Assert.Equal(1, await CountAsync($"Patient?identifier={IdSystem}|PINFL-{replaced}"));
        Assert.Equal(Reference(results[6]).Split('/')[1],
            (string?)(await Client.SendAsync(HttpMethod.Get, $"fhir/Patient?identifier={IdSystem}|PINFL-{replaced}")).Body!["entry"]![0]!["resource"]!["id"]);
        // searchable through the rewritten reference
        Assert.Equal(1, await CountAsync($"Observation?subject={newPatient}"));
    }

    [Fact]
    public async Task A_failing_entry_rolls_back_the_whole_transaction()
    {
        var family = Unique("Roll");
        var existingId = await CreateAsync(Patient(family));
        var twin = Unique("Twin");
        await CreateAsync(Patient(twin));
        await CreateAsync(Patient(twin));

        var failures = new (JsonObject Entry, HttpStatusCode Status)[]
        {
            (Entry("POST", "Patient", Patient(family + "Bad", "blue")), HttpStatusCode.UnprocessableEntity),
            (Entry("PUT", $"Patient/{existingId}", Set(Patient(family), "id", existingId), ifMatch: "W/\"7\""), HttpStatusCode.PreconditionFailed),
            (Entry("POST", "Observation", Observation($"Patient?identifier={IdSystem}|PINFL-{Unique("Nobody")}")), HttpStatusCode.NotFound),
            (Entry("POST", "Observation", Observation($"Patient?identifier={IdSystem}|PINFL-{twin}")), HttpStatusCode.PreconditionFailed),
            (Entry("PUT", $"Patient?identifier={IdSystem}|PINFL-{twin}", Patient(twin)), HttpStatusCode.PreconditionFailed),
            (Entry("DELETE", $"Patient/{Unique("missing")}"), HttpStatusCode.NotFound),
            (Entry("POST", "Patient/abc", Patient(family)), HttpStatusCode.BadRequest),
        };
        foreach (var (failing, status) in failures)
        {
            var before = await VersionRowsAsync();
            var bundle = Bundle("transaction",
                Entry("POST", "Patient", Patient(family + "A"), "urn:uuid:0d5a7c1e-6a43-4b0e-8f55-7f1d3c9b0001"),
                Entry("POST", "Observation", Observation("urn:uuid:0d5a7c1e-6a43-4b0e-8f55-7f1d3c9b0001")),
                Entry("DELETE", $"Patient/{existingId}"),
                failing);
            var (response, body) = await Client.PostBundleAsync(bundle);
            var outcome = FhirHttp.AssertOutcome(response, body, status);
            Assert.Contains("entry[3]", outcome.ToJsonString());
            Assert.Equal(before, await VersionRowsAsync());
            Assert.Equal(0, await CountAsync($"Patient?identifier={IdSystem}|PINFL-{family}A"));
            Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(HttpMethod.Get, $"fhir/Patient/{existingId}")).Response.StatusCode);
        }
    }

    [Fact]
    public async Task Batch_entries_succeed_and_fail_each_on_their_own()
    {
        var family = Unique("Batch");
        var existingId = await CreateAsync(Patient(family));
        var doomedId = await CreateAsync(Patient(family + "Doomed"));
        var before = await VersionRowsAsync();
        var bundle = Bundle("batch",
            Entry("POST", "Patient", Patient(family + "Ok")),
            Entry("POST", "Patient", Patient(family + "Bad", "blue")),
            Entry("GET", $"Patient/{Unique("missing")}"),
            Entry("PUT", $"Patient/{existingId}", Set(Patient(family), "id", existingId), ifMatch: "W/\"9\""),
            Entry("DELETE", $"Patient/{doomedId}"),
            Entry("GET", $"Patient/{existingId}"),
            Entry("GET", $"Patient/{existingId}", ifNoneMatch: "W/\"1\""),
            new JsonObject { ["resource"] = Patient(family) });
        var (response, body) = await Client.PostBundleAsync(bundle);
        AssertOk(response, body);
        Assert.Equal("batch-response", (string?)body!["type"]);
        var results = body["entry"]!.AsArray();
        Assert.Equal(["201", "422", "404", "412", "204", "200", "304", "400"], results.Select(Status).ToArray());
        Assert.Equal("OperationOutcome", (string?)results[1]!["response"]!["outcome"]!["resourceType"]);
        Assert.Equal(existingId, (string?)results[5]!["resource"]!["id"]);
        // the two writes that succeeded are stored, nothing else
        Assert.Equal(before + 2, await VersionRowsAsync());
        Assert.Equal(1, await CountAsync($"Patient?identifier={IdSystem}|PINFL-{family}Ok"));
        Assert.Equal(HttpStatusCode.Gone, (await Client.SendAsync(HttpMethod.Get, $"fhir/Patient/{doomedId}")).Response.StatusCode);
    }

    [Fact]
    public async Task Metadata_claims_what_is_implemented_here()
    {
        var (_, metadata) = await Client.SendAsync(HttpMethod.Get, "fhir/metadata");
        var rest = metadata!["rest"]![0]!;
        var system = rest["interaction"]!.AsArray().Select(i => (string?)i!["code"]).ToList();
        Assert.Contains("transaction", system);
        Assert.Contains("batch", system);
        var patient = rest["resource"]!.AsArray().Single(r => (string?)r!["type"] == "Patient")!;
        Assert.Contains("patch", patient["interaction"]!.AsArray().Select(i => (string?)i!["code"]));
        Assert.True((bool)patient["conditionalUpdate"]!);
        Assert.Equal("multiple", (string?)patient["conditionalDelete"]);
        Assert.Contains(patient["operation"]!.AsArray(), o => (string?)o!["name"] == "everything");
        Assert.DoesNotContain(rest["resource"]!.AsArray().Single(r => (string?)r!["type"] == "Observation")!["operation"]!.AsArray(),
            o => (string?)o!["name"] == "everything");
    }

    [Fact]
    public async Task Bundles_of_other_types_and_malformed_bodies_are_400()
    {
        var (r1, b1) = await Client.PostBundleAsync(Bundle("collection", Entry("POST", "Patient", Patient("X"))));
        FhirHttp.AssertOutcome(r1, b1, HttpStatusCode.BadRequest);
        var (r2, b2) = await Client.PostBundleAsync("{nope");
        FhirHttp.AssertOutcome(r2, b2, HttpStatusCode.BadRequest);
        var (r3, b3) = await Client.PostBundleAsync(Bundle("transaction", new JsonObject { ["resource"] = Patient("X") }));
        FhirHttp.AssertOutcome(r3, b3, HttpStatusCode.BadRequest);
    }
}

[Collection(SqliteBundleCollection.Name)]
public sealed class SqliteTransactionTests(SqliteServerFixture server) : TransactionTests(server);

[Collection(PostgresBundleCollection.Name)]
public sealed class PostgresTransactionTests(PostgresServerFixture server) : TransactionTests(server);
