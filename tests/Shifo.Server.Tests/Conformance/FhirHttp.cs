using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Shifo.Server.Tests.Conformance;

/// <summary>Small HTTP helpers for FHIR JSON: send, read the body as JSON, check OperationOutcomes.</summary>
public static class FhirHttp
{
    public static HttpRequestMessage Request(HttpMethod method, string url, string? json = null, string contentType = "application/fhir+json")
    {
        var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return request;
    }

    public static async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(this HttpClient client, HttpMethod method, string url,
        string? json = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = Request(method, url, json);
        configure?.Invoke(request);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Asserts the status, that the body is an OperationOutcome in FHIR JSON, and returns it.</summary>
    public static JsonNode AssertOutcome(HttpResponseMessage response, JsonNode? body, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(body);
        Assert.Equal("OperationOutcome", (string?)body["resourceType"]);
        Assert.NotEmpty(body["issue"]!.AsArray());
        return body;
    }

    public static string Patient(string family, string? id = null, string given = "Aziz")
    {
        var patient = new JsonObject { ["resourceType"] = "Patient" };
        if (id is not null) patient["id"] = id;
        patient["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:oid:1.2.860.1", ["value"] = "PINFL-" + family });
        patient["name"] = new JsonArray(new JsonObject { ["family"] = family, ["given"] = new JsonArray(given) });
        patient["gender"] = "female";
        patient["birthDate"] = "1984-03-12";
        return patient.ToJsonString();
    }
}
