using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Shifo.Server.Endpoints;
using Shifo.Server.Http;
using Shifo.Server.Patch;
using Shifo.Server.Pipeline;
using Shifo.Storage.Search;

namespace Shifo.Server.Bundles;

/// <summary>
/// One entry of a batch or transaction Bundle, its request read: method, resource type, id or conditional criteria
/// (url "Patient?identifier=..."), query (GET), ifNoneExist/ifMatch/ifNoneMatch, and the resource.
/// </summary>
public sealed class EntryRequest
{
    public required int Index { get; init; }
    public required string Method { get; init; }
    public required string Url { get; init; }
    public required string Type { get; init; }
    public string? Id { get; set; }
    public IReadOnlyList<SearchParameter>? Criteria { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; } = [];
    public string? FullUrl { get; init; }
    public JsonObject? Resource { get; init; }
    public IReadOnlyList<SearchParameter>? IfNoneExist { get; init; }
    public long? IfMatch { get; init; }
    public string? IfNoneMatch { get; init; }

    /// <summary>The order a transaction processes entries in: DELETE, POST, PUT/PATCH, GET (HEAD with GET).</summary>
    public int Phase => Method switch { "DELETE" => 0, "POST" => 1, "PUT" or "PATCH" => 2, _ => 3 };

    public string Label => $"entry[{Index}] ({Method} {ResourceIdentity.Truncate(Url)})";

    /// <summary>Reads entry <paramref name="index"/>; a malformed entry is a 400-kind problem.</summary>
    public static EntryRequest Parse(JsonNode? entry, int index, string baseUrl)
    {
        FhirProblem Bad(string message) => FhirProblem.Of(ProblemKind.Invalid, "invalid", $"Bundle.entry[{index}]: {message}");
        if (entry is not JsonObject e) throw Bad("not an object.");
        var request = e["request"] as JsonObject ?? throw Bad("request is missing.");
        var method = (request["method"] as JsonValue)?.ToString().ToUpperInvariant() ?? throw Bad("request.method is missing.");
        if (method is not ("GET" or "HEAD" or "POST" or "PUT" or "PATCH" or "DELETE")) throw Bad($"'{ResourceIdentity.Truncate(method)}' is not an HTTP method FHIR uses.");
        var url = (request["url"] as JsonValue)?.ToString() ?? throw Bad("request.url is missing.");
        var local = url.StartsWith(baseUrl + "/", StringComparison.Ordinal) ? url[(baseUrl.Length + 1)..] : url.TrimStart('/');
        var question = local.IndexOf('?');
        var path = question < 0 ? local : local[..question];
        var queryText = question < 0 ? "" : local[(question + 1)..];
        var query = QueryHelpers.ParseQuery(queryText).SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))).ToList();
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length is 0 or > 2) throw Bad($"request.url '{ResourceIdentity.Truncate(url)}' is not [type], [type]/[id] or [type]?[criteria].");
        var type = segments[0];
        var id = segments.Length == 2 ? segments[1] : null;

        var resource = e["resource"] as JsonObject;
        if (method is "POST" or "PUT" && resource is null) throw Bad($"a {method} needs a resource.");
        if (method is "PUT" or "DELETE" or "PATCH" && id is null && query.Count == 0)
            throw Bad($"a {method} needs [type]/[id] or [type]?[criteria] in request.url.");
        if (method == "POST" && id is not null) throw Bad("a POST's request.url is the resource type.");
        if (resource is not null && method is "POST" or "PUT" && (string?)resource["resourceType"] != type)
            throw Bad($"the resource is a {(string?)resource["resourceType"]}, but request.url is for {type}.");

        long? ifMatch = null;
        if ((request["ifMatch"] as JsonValue)?.ToString() is { } tag)
            ifMatch = ConditionalHeaders.ParseETag(tag) ?? throw Bad($"ifMatch '{ResourceIdentity.Truncate(tag)}' is not a version ETag such as W/\"3\".");
        IReadOnlyList<SearchParameter>? ifNoneExist = null;
        if ((request["ifNoneExist"] as JsonValue)?.ToString() is { } condition)
            ifNoneExist = SearchEndpoints.Criteria(QueryHelpers.ParseQuery(condition.TrimStart('?'))
                .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))));

        return new EntryRequest
        {
            Index = index,
            Method = method == "HEAD" ? "GET" : method,
            Url = url,
            Type = type,
            Id = id,
            Criteria = id is null && method is "PUT" or "DELETE" or "PATCH" ? SearchEndpoints.Criteria(query) : null,
            Query = query,
            FullUrl = (e["fullUrl"] as JsonValue)?.ToString(),
            Resource = resource,
            IfNoneExist = ifNoneExist,
            IfMatch = ifMatch,
            IfNoneMatch = (request["ifNoneMatch"] as JsonValue)?.ToString(),
        };
    }

    /// <summary>A PATCH entry's patch: a Binary holding JSON Patch, or a Parameters holding FHIRPath Patch.</summary>
    public IResourcePatch Patch()
    {
        switch ((string?)Resource?["resourceType"])
        {
            case "Parameters":
                return FhirPathPatch.Parse(Resource!);
            case "Binary" when (string?)Resource!["contentType"] is "application/json-patch+json" && (string?)Resource["data"] is { } data:
                byte[] bytes;
                try { bytes = Convert.FromBase64String(data); }
                catch (FormatException) { throw JsonPatch.Bad($"Bundle.{Label}: Binary.data is not base64."); }
                return JsonPatch.Parse(bytes);
            default:
                throw JsonPatch.Bad($"Bundle.{Label}: a PATCH entry holds a Parameters (FHIRPath Patch) or a Binary of application/json-patch+json.");
        }
    }
}
