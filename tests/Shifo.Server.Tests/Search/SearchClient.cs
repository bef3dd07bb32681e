using System.Net;
using System.Text.Json.Nodes;
using Shifo.Server.Tests.Conformance;
using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Search;

/// <summary>
/// Helpers for search tests: each test tags what it creates with a tag of its own and adds _tag to its searches, so
/// that tests sharing a server never see each other's resources.
/// </summary>
public sealed class SearchClient(ServerFixture server)
{
    public const string TagSystem = "urn:shifo:test";

    public string Tag { get; } = "t" + Guid.NewGuid().ToString("N")[..12];
    public HttpClient Http => server.Client;

    /// <summary>The resource (JSON text) with this test's tag added, ready to send.</summary>
    public JsonObject Tagged(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        var meta = node["meta"] as JsonObject ?? new JsonObject();
        node["meta"] = meta;
        var tags = meta["tag"] as JsonArray ?? new JsonArray();
        meta["tag"] = tags;
        tags.Add(new JsonObject { ["system"] = TagSystem, ["code"] = Tag });
        return node;
    }

    /// <summary>Creates the resource (JSON text, tagged on the way) and returns its id.</summary>
    public async Task<string> CreateAsync(string json)
    {
        var node = Tagged(json);
        var (response, body) = await Http.SendAsync(HttpMethod.Post, "fhir/" + (string)node["resourceType"]!, node.ToJsonString());
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create answered {(int)response.StatusCode}: {body?.ToJsonString()}");
        return (string)body!["id"]!;
    }

    /// <summary>GET fhir/{query} with this test's tag added; asserts 200 and a searchset.</summary>
    public async Task<JsonNode> BundleAsync(string query, bool tagged = true, string? prefer = null)
    {
        var url = "fhir/" + query + (tagged ? (query.Contains('?') ? "&" : "?") + $"_tag={TagSystem}|{Tag}" : "");
        var (response, body) = await Http.SendAsync(HttpMethod.Get, url, configure: prefer is null ? null : r => r.Headers.TryAddWithoutValidation("Prefer", prefer));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}: {body?.ToJsonString()}");
        Assert.Equal("searchset", (string?)body!["type"]);
        return body;
    }

    /// <summary>The ids of the matches, in order.</summary>
    public async Task<List<string>> IdsAsync(string query) => Matches(await BundleAsync(query));

    public async Task<HashSet<string>> SetAsync(string query) => (await IdsAsync(query)).ToHashSet();

    public static List<string> Matches(JsonNode bundle) => Entries(bundle, "match").Select(e => (string)e["resource"]!["id"]!).ToList();

    public static List<JsonNode> Entries(JsonNode bundle, string mode) =>
        (bundle["entry"]?.AsArray() ?? []).Where(e => (string?)e!["search"]!["mode"] == mode).Select(e => e!).ToList();

    public static string? Link(JsonNode bundle, string relation) =>
        bundle["link"]!.AsArray().FirstOrDefault(l => (string?)l!["relation"] == relation)?["url"]?.GetValue<string>();

    /// <summary>GET (untagged, as written) expecting a 400 OperationOutcome.</summary>
    public async Task BadRequestAsync(string query)
    {
        var (response, body) = await Http.SendAsync(HttpMethod.Get, "fhir/" + query);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"GET {query} answered {(int)response.StatusCode}: {body?.ToJsonString()}");
        FhirHttp.AssertOutcome(response, body, HttpStatusCode.BadRequest);
    }
}
