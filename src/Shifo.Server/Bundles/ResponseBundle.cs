using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Shifo.Fhir.Outcomes;
using Shifo.Storage.Model;

namespace Shifo.Server.Bundles;

/// <summary>Builds a transaction-response or batch-response: one entry per request entry, in the request's order.</summary>
public static class ResponseBundle
{
    public static byte[] Write(string type, string baseUrl, IReadOnlyList<EntryResult> results, bool minimal)
    {
        var entries = new JsonArray();
        foreach (var r in results)
        {
            var entry = new JsonObject();
            var response = new JsonObject { ["status"] = $"{r.Status} {ReasonPhrases.GetReasonPhrase(r.Status)}" };
            if (r.Resource is { } stored)
            {
                entry["fullUrl"] = $"{baseUrl}/{stored.ResourceType}/{stored.Id}";
                if (!minimal && stored.Json is not null && !stored.IsDeleted) entry["resource"] = JsonNode.Parse(stored.Json);
                if (r.Status is 200 or 201 && !stored.IsDeleted) response["location"] = $"{baseUrl}/{stored.ResourceType}/{stored.Id}/_history/{stored.VersionId}";
                response["etag"] = stored.ETag;
                response["lastModified"] = ResourceStamp.FormatInstant(stored.LastUpdated);
            }
            else if (r.Body is not null)
            {
                entry["resource"] = JsonNode.Parse(r.Body);
            }
            if (r.Issues is { Count: > 0 } issues) response["outcome"] = JsonNode.Parse(OperationOutcome.ToJson(issues));
            entry["response"] = response;
            entries.Add(entry);
        }
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["id"] = Guid.NewGuid().ToString(),
            ["meta"] = new JsonObject { ["lastUpdated"] = ResourceStamp.FormatInstant(DateTimeOffset.UtcNow) },
            ["type"] = type,
            ["entry"] = entries,
        };
        return System.Text.Encoding.UTF8.GetBytes(bundle.ToJsonString());
    }
}
