using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shifo.Import;

/// <summary>A Bundle entry ready to store: its resource JSON with its final id and its references resolved.</summary>
public sealed record PreparedEntry(int Index, string Type, byte[] Json);

/// <summary>A Bundle ready to store: whether it is all-or-nothing, and its entries.</summary>
public sealed record PreparedBundle(bool Transaction, IReadOnlyList<PreparedEntry> Entries);

/// <summary>
/// Turns a transaction or batch Bundle into resources for a bulk create, doing what a server transaction does with
/// them: a POST gets a new id and every reference to its fullUrl (urn:uuid:...) becomes Type/id; a PUT to Type/id
/// keeps that id. The server's own transaction code (Shifo.Server.Bundles) runs entry by entry inside HTTP-shaped
/// write scopes, so it cannot feed CreateBatchAsync; DELETE, PATCH, GET and conditional entries need it, and are
/// refused here with a message saying to import through --server.
/// </summary>
public static class BundlePreparer
{
    public static PreparedBundle Prepare(ReadOnlySpan<byte> json)
    {
        JsonObject bundle;
        try
        {
            bundle = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new FormatException("not JSON: " + ex.Message);
        }
        var type = (string?)(bundle["type"] as JsonValue);
        if ((string?)(bundle["resourceType"] as JsonValue) != "Bundle" || type is not ("transaction" or "batch"))
            throw new FormatException("not a transaction or batch Bundle");
        var entries = bundle["entry"] as JsonArray ?? [];

        var parsed = new List<(int Index, string Type, JsonObject Resource)>();
        var byFullUrl = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] as JsonObject ?? throw new FormatException($"entry[{i}] is not an object");
            var resource = entry["resource"] as JsonObject ?? throw new FormatException($"entry[{i}] has no resource");
            var resourceType = (string?)(resource["resourceType"] as JsonValue) ?? throw new FormatException($"entry[{i}] has no resourceType");
            var request = entry["request"] as JsonObject;
            var method = (string?)(request?["method"] as JsonValue);
            var url = (string?)(request?["url"] as JsonValue) ?? "";
            string id;
            if (method == "POST" && url == resourceType && request?["ifNoneExist"] is null)
                id = Guid.CreateVersion7().ToString();
            else if (method == "PUT" && url.Split('/') is [var t, var i2] && t == resourceType && !i2.Contains('?'))
                id = i2;
            else
                throw new FormatException($"entry[{i}] ({method} {url}) needs the server's transaction processing: import this Bundle with --server");
            resource["id"] = id;
            if ((string?)(entry["fullUrl"] as JsonValue) is { Length: > 0 } fullUrl) byFullUrl[fullUrl] = $"{resourceType}/{id}";
            parsed.Add((i, resourceType, resource));
        }

        var prepared = new List<PreparedEntry>(parsed.Count);
        foreach (var (index, resourceType, resource) in parsed)
        {
            Rewrite(resource, byFullUrl);
            prepared.Add(new PreparedEntry(index, resourceType, JsonSerializer.SerializeToUtf8Bytes(resource)));
        }
        return new PreparedBundle(type == "transaction", prepared);
    }

    /// <summary>Every "reference" naming an entry's fullUrl becomes that entry's Type/id.</summary>
    private static void Rewrite(JsonNode? node, Dictionary<string, string> byFullUrl)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (key == "reference" && value is JsonValue v && v.TryGetValue<string>(out var reference))
                    {
                        if (byFullUrl.TryGetValue(reference, out var target)) o["reference"] = target;
                    }
                    else Rewrite(value, byFullUrl);
                }
                break;
            case JsonArray a:
                foreach (var item in a) Rewrite(item, byFullUrl);
                break;
        }
    }
}
