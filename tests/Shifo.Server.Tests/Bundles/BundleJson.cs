using System.Net;
using System.Text.Json.Nodes;
using Shifo.Server.Tests.Conformance;

namespace Shifo.Server.Tests.Bundles;

/// <summary>Builds batch and transaction Bundles for the tests and reads their responses.</summary>
public static class BundleJson
{
    public const string IdSystem = "urn:oid:1.2.860.1";

    public static JsonObject Entry(string method, string url, JsonNode? resource = null, string? fullUrl = null,
        string? ifNoneExist = null, string? ifMatch = null, string? ifNoneMatch = null)
    {
        var request = new JsonObject { ["method"] = method, ["url"] = url };
        if (ifNoneExist is not null) request["ifNoneExist"] = ifNoneExist;
        if (ifMatch is not null) request["ifMatch"] = ifMatch;
        if (ifNoneMatch is not null) request["ifNoneMatch"] = ifNoneMatch;
        var entry = new JsonObject();
        if (fullUrl is not null) entry["fullUrl"] = fullUrl;
        if (resource is not null) entry["resource"] = resource;
        entry["request"] = request;
        return entry;
    }

    public static string Bundle(string type, params JsonObject[] entries) =>
        new JsonObject { ["resourceType"] = "Bundle", ["type"] = type, ["entry"] = new JsonArray(entries) }.ToJsonString();

    public static JsonObject Patient(string family, string gender = "female") => Set(JsonNode.Parse(FhirHttp.Patient(family))!.AsObject(), "gender", gender);

    public static JsonObject Observation(string subject, string code = "8867-4", string system = "http://loinc.org") => new()
    {
        ["resourceType"] = "Observation",
        ["status"] = "final",
        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code }) },
        ["subject"] = new JsonObject { ["reference"] = subject },
        ["valueQuantity"] = new JsonObject { ["value"] = 72, ["unit"] = "/min", ["system"] = "http://unitsofmeasure.org", ["code"] = "/min" },
    };

    public static JsonObject Set(JsonObject o, string name, JsonNode? value)
    {
        o[name] = value;
        return o;
    }

    /// <summary>Posts a Bundle to the base; returns status and body.</summary>
    public static Task<(HttpResponseMessage Response, JsonNode? Body)> PostBundleAsync(this HttpClient client, string bundle) =>
        client.SendAsync(HttpMethod.Post, "fhir", bundle);

    public static string Status(JsonNode? responseEntry) => ((string)responseEntry!["response"]!["status"]!).Split(' ')[0];

    /// <summary>Type/id from a response entry's location (…/Type/id/_history/n).</summary>
    public static string Reference(JsonNode? responseEntry)
    {
        var parts = ((string)responseEntry!["response"]!["location"]!).Split("/_history/")[0].Split('/');
        return parts[^2] + "/" + parts[^1];
    }

    public static void AssertOk(HttpResponseMessage response, JsonNode? body)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body?.ToJsonString()}");
    }
}
