using System.Net;
using System.Text.Json.Nodes;
using Shifo.Server.Tests.Conformance;

namespace Shifo.Server.Tests.Bulk;

/// <summary>Small resources with client ids for the bulk tests, written with PUT (update-as-create).</summary>
public static class BulkData
{
    public static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    public static string Observation(string id, string? patientId, string code = "8867-4")
    {
        var observation = new JsonObject
        {
            ["resourceType"] = "Observation",
            ["id"] = id,
            ["status"] = "final",
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = code }) },
        };
        if (patientId is not null) observation["subject"] = new JsonObject { ["reference"] = "Patient/" + patientId };
        observation["valueQuantity"] = new JsonObject { ["value"] = 72, ["unit"] = "/min", ["system"] = "http://unitsofmeasure.org", ["code"] = "/min" };
        return observation.ToJsonString();
    }

    public static string Organization(string id) =>
        new JsonObject { ["resourceType"] = "Organization", ["id"] = id, ["name"] = "Clinic " + id }.ToJsonString();

    public static string Group(string id, params string[] patientIds) => new JsonObject
    {
        ["resourceType"] = "Group",
        ["id"] = id,
        ["type"] = "person",
        ["actual"] = true,
        ["member"] = new JsonArray([.. patientIds.Select(p => (JsonNode)new JsonObject { ["entity"] = new JsonObject { ["reference"] = "Patient/" + p } })]),
    }.ToJsonString();

    public static async Task PutAsync(HttpClient client, string json)
    {
        var node = JsonNode.Parse(json)!;
        var (response, body) = await client.SendAsync(HttpMethod.Put, $"fhir/{node["resourceType"]}/{node["id"]}", json);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, body?.ToJsonString());
    }

    /// <summary>A moment strictly between what was written before and what is written after.</summary>
    public static async Task<string> MarkAsync()
    {
        await Task.Delay(15);
        var mark = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        await Task.Delay(15);
        return mark;
    }
}
