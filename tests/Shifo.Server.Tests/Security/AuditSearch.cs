using System.Net;
using System.Text.Json.Nodes;
using Shifo.Server.Tests.Conformance;

namespace Shifo.Server.Tests.Security;

/// <summary>Searches AuditEvents over HTTP, waiting for the background writer where needed.</summary>
public static class AuditSearch
{
    public static async Task<JsonNode> BundleAsync(HttpClient client, string query, string? token = null)
    {
        var (response, body) = await client.SendAsync(HttpMethod.Get, "fhir/" + query,
            configure: token is null ? null : r => r.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {query} answered {(int)response.StatusCode}: {body?.ToJsonString()}");
        Assert.Equal("searchset", (string?)body!["type"]);
        return body;
    }

    public static List<JsonObject> Events(JsonNode bundle) =>
        (bundle["entry"]?.AsArray() ?? []).Select(e => e!["resource"]!.AsObject()).ToList();

    /// <summary>Polls the search until it finds <paramref name="expected"/> events (the writer stores within ~200 ms).</summary>
    public static async Task<List<JsonObject>> WaitForAsync(HttpClient client, string query, int expected, TimeSpan? timeout = null, string? token = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        var separator = query.Contains('?') ? "&" : "?";
        while (true)
        {
            var events = Events(await BundleAsync(client, query + separator + "_count=1000", token));
            if (events.Count >= expected || DateTime.UtcNow > until)
            {
                Assert.Equal(expected, events.Count);
                return events;
            }
            await Task.Delay(100);
        }
    }

    public static async Task<long> CountAsync(HttpClient client, string query)
    {
        var bundle = await BundleAsync(client, query + (query.Contains('?') ? "&" : "?") + "_summary=count");
        return (long)bundle["total"]!;
    }
}
