using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Shifo.Server.Tests.Bulk;

/// <summary>The client side of the Bulk Data pattern: kick off, poll (bounded), download NDJSON.</summary>
public static class BulkClient
{
    public static HttpRequestMessage Kickoff(HttpMethod method, string url, HttpContent? content = null, bool async = true)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        if (async) request.Headers.Add("Prefer", "respond-async");
        return request;
    }

    /// <summary>Kicks off and returns the status URL (asserting 202 and Content-Location).</summary>
    public static async Task<string> StartAsync(HttpClient client, HttpMethod method, string url, HttpContent? content = null)
    {
        using var response = await client.SendAsync(Kickoff(method, url, content));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"kick-off: {(int)response.StatusCode} {body}");
        var location = response.Content.Headers.ContentLocation ?? response.Headers.GetValues("Content-Location").Select(v => new Uri(v)).First();
        return location.ToString();
    }

    /// <summary>Polls until 200 (returns the manifest); 202s must carry X-Progress. Gives up after <paramref name="seconds"/>.</summary>
    public static async Task<JsonNode> WaitAsync(HttpClient client, string statusUrl, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(statusUrl);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK) return JsonNode.Parse(text)!;
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"status: {(int)response.StatusCode} {text}");
            Assert.True(response.Headers.Contains("X-Progress"));
            await Task.Delay(100);
        }
        throw new TimeoutException($"The bulk job at {statusUrl} did not finish in {seconds} s.");
    }

    /// <summary>Downloads an NDJSON output file and parses its lines.</summary>
    public static async Task<List<JsonNode>> LinesAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+ndjson", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
    }

    public static StringContent Ndjson(IEnumerable<string> lines) =>
        new(string.Join("\n", lines) + "\n", Encoding.UTF8, "application/fhir+ndjson");

    public static StringContent FhirJson(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/fhir+json");

    /// <summary>output[] of a manifest as type → count.</summary>
    public static Dictionary<string, long> Counts(JsonNode manifest) =>
        manifest["output"]!.AsArray().ToDictionary(o => (string)o!["type"]!, o => (long)o!["count"]!);
}
