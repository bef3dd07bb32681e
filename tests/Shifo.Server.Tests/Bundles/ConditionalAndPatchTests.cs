using System.Net;
using System.Text.Json.Nodes;
using Shifo.Server.Tests.Conformance;
using Shifo.Server.Tests.Fixtures;
using static Shifo.Server.Tests.Bundles.BundleJson;

namespace Shifo.Server.Tests.Bundles;

/// <summary>Conditional update and delete, and PATCH with JSON Patch and FHIRPath Patch, by id and by criteria.</summary>
public abstract class ConditionalAndPatchTests(ServerFixture server)
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

    private static string ByIdentifier(string family) => $"identifier={IdSystem}|PINFL-{family}";

    private Task<(HttpResponseMessage Response, JsonNode? Body)> PatchAsync(string url, string body, string contentType, string? ifMatch = null)
    {
        var request = FhirHttp.Request(HttpMethod.Patch, url, body, contentType);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return Send(request);
    }

    private async Task<(HttpResponseMessage, JsonNode?)> Send(HttpRequestMessage request)
    {
        var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Fact]
    public async Task Conditional_update_creates_on_no_match_updates_one_and_refuses_several()
    {
        var family = Unique("CondPut");
        var (created, body) = await Client.SendAsync(HttpMethod.Put, $"fhir/Patient?{ByIdentifier(family)}", Patient(family).ToJsonString());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (string)body!["id"]!;
        Assert.Contains($"/Patient/{id}/_history/1", created.Headers.Location!.ToString());

        var (updated, body2) = await Client.SendAsync(HttpMethod.Put, $"fhir/Patient?{ByIdentifier(family)}", Patient(family, "male").ToJsonString());
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(id, (string?)body2!["id"]);
        Assert.Equal("2", (string?)body2["meta"]!["versionId"]);
        Assert.Equal("male", (string?)body2["gender"]);

        await CreateAsync(Patient(family));
        var before = await VersionRowsAsync();
        var (several, outcome) = await Client.SendAsync(HttpMethod.Put, $"fhir/Patient?{ByIdentifier(family)}", Patient(family).ToJsonString());
        FhirHttp.AssertOutcome(several, outcome, HttpStatusCode.PreconditionFailed);
        Assert.Equal(before, await VersionRowsAsync());
        var (noCriteria, outcome2) = await Client.SendAsync(HttpMethod.Put, "fhir/Patient", Patient(family).ToJsonString());
        FhirHttp.AssertOutcome(noCriteria, outcome2, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Conditional_delete_removes_none_one_or_several_matches()
    {
        var family = Unique("CondDel");
        var (none, _) = await Client.SendAsync(HttpMethod.Delete, $"fhir/Patient?{ByIdentifier(family)}");
        Assert.Equal(HttpStatusCode.NoContent, none.StatusCode);

        var one = await CreateAsync(Patient(family));
        var (deleted, _) = await Client.SendAsync(HttpMethod.Delete, $"fhir/Patient?{ByIdentifier(family)}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal("W/\"2\"", deleted.Headers.ETag?.ToString());
        Assert.Equal(HttpStatusCode.Gone, (await Client.SendAsync(HttpMethod.Get, $"fhir/Patient/{one}")).Response.StatusCode);

        var ids = new[] { await CreateAsync(Patient(family)), await CreateAsync(Patient(family)), await CreateAsync(Patient(family)) };
        var (many, _) = await Client.SendAsync(HttpMethod.Delete, $"fhir/Patient?{ByIdentifier(family)}");
        Assert.Equal(HttpStatusCode.NoContent, many.StatusCode);
        foreach (var id in ids)
            Assert.Equal(HttpStatusCode.Gone, (await Client.SendAsync(HttpMethod.Get, $"fhir/Patient/{id}")).Response.StatusCode);
    }

    [Fact]
    public async Task Json_patch_applies_each_operation_and_validates_the_result()
    {
        var family = Unique("JPatch");
        var id = await CreateAsync(Patient(family));
        var patch = $$"""
            [
              {"op":"test","path":"/gender","value":"female"},
              {"op":"replace","path":"/gender","value":"male"},
              {"op":"add","path":"/name/0/given/-","value":"Bobur"},
              {"op":"add","path":"/active","value":true},
              {"op":"copy","from":"/name/0","path":"/name/1"},
              {"op":"move","from":"/name/1/given/0","path":"/name/1/given/1"},
              {"op":"remove","path":"/birthDate"}
            ]
            """;
        var (response, body) = await PatchAsync($"fhir/Patient/{id}", patch, "application/json-patch+json", "W/\"1\"");
        Assert.True(response.StatusCode == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal("2", (string?)body!["meta"]!["versionId"]);
        Assert.Equal("male", (string?)body["gender"]);
        Assert.True((bool)body["active"]!);
        Assert.Null(body["birthDate"]);
        Assert.Equal(["Aziz", "Bobur"], body["name"]![0]!["given"]!.AsArray().Select(g => (string)g!).ToArray());
        Assert.Equal(["Bobur", "Aziz"], body["name"]![1]!["given"]!.AsArray().Select(g => (string)g!).ToArray());

        var before = await VersionRowsAsync();
        // a failing test op, an invalid result, a missing path: 422, nothing stored
        foreach (var bad in new[]
                 {
                     """[{"op":"test","path":"/gender","value":"female"}]""",
                     """[{"op":"replace","path":"/gender","value":"blue"}]""",
                     """[{"op":"remove","path":"/deceasedBoolean"}]""",
                 })
        {
            var (r, b) = await PatchAsync($"fhir/Patient/{id}", bad, "application/json-patch+json");
            FhirHttp.AssertOutcome(r, b, HttpStatusCode.UnprocessableEntity);
        }
        // a document that is not a JSON Patch: 400
        foreach (var bad in new[] { """{"op":"add"}""", """[{"op":"frobnicate","path":"/a"}]""", """[{"op":"add","path":"/a"}]""", "not json" })
        {
            var (r, b) = await PatchAsync($"fhir/Patient/{id}", bad, "application/json-patch+json");
            FhirHttp.AssertOutcome(r, b, HttpStatusCode.BadRequest);
        }
        var (stale, staleBody) = await PatchAsync($"fhir/Patient/{id}", """[{"op":"add","path":"/active","value":false}]""", "application/json-patch+json", "W/\"1\"");
        FhirHttp.AssertOutcome(stale, staleBody, HttpStatusCode.PreconditionFailed);
        Assert.Equal(before, await VersionRowsAsync());

        // conditional patch
        var (conditional, condBody) = await PatchAsync($"fhir/Patient?{ByIdentifier(family)}", """[{"op":"replace","path":"/active","value":false}]""", "application/json-patch+json");
        Assert.Equal(HttpStatusCode.OK, conditional.StatusCode);
        Assert.False((bool)condBody!["active"]!);
        var (noMatch, noMatchBody) = await PatchAsync($"fhir/Patient?{ByIdentifier(Unique("None"))}", """[{"op":"remove","path":"/active"}]""", "application/json-patch+json");
        FhirHttp.AssertOutcome(noMatch, noMatchBody, HttpStatusCode.NotFound);
    }

    private static JsonObject Op(string type, string path, params (string Name, string Key, JsonNode Value)[] parts)
    {
        var list = new JsonArray(
            new JsonObject { ["name"] = "type", ["valueCode"] = type },
            new JsonObject { ["name"] = "path", ["valueString"] = path });
        foreach (var (name, key, value) in parts) list.Add(new JsonObject { ["name"] = name, [key] = value });
        return new JsonObject { ["name"] = "operation", ["part"] = list };
    }

    private static string FhirPathPatch(params JsonObject[] ops) =>
        new JsonObject { ["resourceType"] = "Parameters", ["parameter"] = new JsonArray(ops) }.ToJsonString();

    [Fact]
    public async Task FhirPath_patch_applies_add_insert_delete_replace_and_move()
    {
        var family = Unique("FPatch");
        var id = await CreateAsync(Patient(family));
        var patch = FhirPathPatch(
            Op("replace", "Patient.gender", ("value", "valueCode", "male")),
            Op("add", "Patient", ("name", "valueString", "active"), ("value", "valueBoolean", true)),
            Op("add", "Patient", ("name", "valueString", "deceased"), ("value", "valueDateTime", "2020-01-02")),
            Op("insert", "Patient.identifier", ("index", "valueInteger", 0), ("value", "valueIdentifier", new JsonObject { ["system"] = "urn:x", ["value"] = "first" })),
            Op("insert", "Patient.name[0].given", ("index", "valueInteger", 1), ("value", "valueString", "Bobur")),
            Op("move", "Patient.name[0].given", ("source", "valueInteger", 0), ("destination", "valueInteger", 1)),
            Op("delete", "Patient.birthDate"),
            Op("delete", "Patient.telecom"));
        var (response, body) = await PatchAsync($"fhir/Patient/{id}", patch, "application/fhir+json");
        Assert.True(response.StatusCode == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal("male", (string?)body!["gender"]);
        Assert.True((bool)body["active"]!);
        Assert.Equal("2020-01-02", (string?)body["deceasedDateTime"]);
        Assert.Equal(["first", $"PINFL-{family}"], body["identifier"]!.AsArray().Select(i => (string)i!["value"]!).ToArray());
        Assert.Equal(["Bobur", "Aziz"], body["name"]![0]!["given"]!.AsArray().Select(g => (string)g!).ToArray());
        Assert.Null(body["birthDate"]);

        // searchable as patched
        var (_, found) = await Client.SendAsync(HttpMethod.Get, "fhir/Patient?identifier=urn:x|first&gender=male");
        Assert.Contains(found!["entry"]!.AsArray(), e => (string?)e!["resource"]!["id"] == id);

        var before = await VersionRowsAsync();
        foreach (var bad in new[]
                 {
                     FhirPathPatch(Op("replace", "Patient.gender", ("value", "valueCode", "blue"))),          // invalid result
                     FhirPathPatch(Op("replace", "Patient.identifier", ("value", "valueString", "x"))),       // two targets
                     FhirPathPatch(Op("add", "Patient", ("name", "valueString", "nonsense"), ("value", "valueString", "x"))),
                     FhirPathPatch(Op("move", "Patient.identifier", ("source", "valueInteger", 0), ("destination", "valueInteger", 5))),
                 })
        {
            var (r, b) = await PatchAsync($"fhir/Patient/{id}", bad, "application/fhir+json");
            FhirHttp.AssertOutcome(r, b, HttpStatusCode.UnprocessableEntity);
        }
        foreach (var bad in new[]
                 {
                     FhirPathPatch(Op("explode", "Patient.gender")),
                     FhirPathPatch(Op("replace", "Patient.gender")),
                     FhirPathPatch(Op("delete", "Patient.(((")),
                     """{"resourceType":"Patient"}""",
                     FhirPathPatch(),
                 })
        {
            var (r, b) = await PatchAsync($"fhir/Patient/{id}", bad, "application/fhir+json");
            FhirHttp.AssertOutcome(r, b, HttpStatusCode.BadRequest);
        }
        Assert.Equal(before, await VersionRowsAsync());
    }

    [Fact]
    public async Task Patch_entries_in_a_transaction()
    {
        var family = Unique("TPatch");
        var id = await CreateAsync(Patient(family));
        var jsonPatch = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("""[{"op":"replace","path":"/gender","value":"other"}]"""));
        var bundle = Bundle("transaction",
            Entry("PATCH", $"Patient/{id}", new JsonObject { ["resourceType"] = "Binary", ["contentType"] = "application/json-patch+json", ["data"] = jsonPatch }),
            Entry("PATCH", $"Patient?{ByIdentifier(family)}", JsonNode.Parse(FhirPathPatch(Op("add", "Patient", ("name", "valueString", "active"), ("value", "valueBoolean", true))))));
        var (response, body) = await Client.PostBundleAsync(bundle);
        AssertOk(response, body);
        Assert.Equal(["200", "200"], body!["entry"]!.AsArray().Select(Status).ToArray());
        var (_, read) = await Client.SendAsync(HttpMethod.Get, $"fhir/Patient/{id}");
        Assert.Equal("other", (string?)read!["gender"]);
        Assert.True((bool)read["active"]!);
        Assert.Equal("3", (string?)read["meta"]!["versionId"]);
    }
}

[Collection(SqliteBundleCollection.Name)]
public sealed class SqliteConditionalAndPatchTests(SqliteServerFixture server) : ConditionalAndPatchTests(server);

[Collection(PostgresBundleCollection.Name)]
public sealed class PostgresConditionalAndPatchTests(PostgresServerFixture server) : ConditionalAndPatchTests(server);

/// <summary>A server configured for single conditional deletes: several matches are 412 and nothing is deleted.</summary>
public sealed class SingleConditionalDeleteTests(SingleDeleteServerFixture server) : IClassFixture<SingleDeleteServerFixture>
{
    [Fact]
    public async Task Several_matches_are_412_when_only_single_deletes_are_allowed()
    {
        var family = "Single" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var (r, b) = await server.Client.SendAsync(HttpMethod.Post, "fhir/Patient", FhirHttp.Patient(family));
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            ids.Add((string)b!["id"]!);
        }
        var (response, body) = await server.Client.SendAsync(HttpMethod.Delete, $"fhir/Patient?identifier={IdSystem}|PINFL-{family}");
        FhirHttp.AssertOutcome(response, body, HttpStatusCode.PreconditionFailed);
        foreach (var id in ids)
            Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(HttpMethod.Get, $"fhir/Patient/{id}")).Response.StatusCode);
        var (_, metadata) = await server.Client.SendAsync(HttpMethod.Get, "fhir/metadata");
        Assert.Equal("single", (string?)metadata!["rest"]![0]!["resource"]!.AsArray().Single(r => (string?)r!["type"] == "Patient")!["conditionalDelete"]);
    }
}
