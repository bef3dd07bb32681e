using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Shifo.Server.Endpoints;
using Shifo.Server.Pipeline;
using Shifo.Storage;

namespace Shifo.Server.Bundles;

/// <summary>
/// Rewrites the references of a transaction's resources: to entries of the Bundle (fullUrl, e.g. urn:uuid:...) as the
/// Type/id they are stored under, and conditional references (Patient?identifier=...) as the one resource they match.
/// A conditional reference matching none or several resources fails the transaction (404 / 412).
/// </summary>
public sealed class ReferenceRewriter(IWriteScope scope, IReadOnlyDictionary<string, string> byFullUrl)
{
    private readonly Dictionary<string, string> _conditional = new(StringComparer.Ordinal);

    public async Task RewriteAsync(JsonNode? node, CancellationToken ct)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (key == "reference" && value is JsonValue v && v.TryGetValue<string>(out var reference))
                    {
                        if (await TargetAsync(reference, ct) is { } target) o["reference"] = target;
                    }
                    else await RewriteAsync(value, ct);
                }
                break;
            case JsonArray a:
                foreach (var item in a) await RewriteAsync(item, ct);
                break;
        }
    }

    private async Task<string?> TargetAsync(string reference, CancellationToken ct)
    {
        if (byFullUrl.TryGetValue(reference, out var local)) return local;
        var question = reference.IndexOf('?');
        if (question <= 0 || reference.Contains('/', StringComparison.Ordinal) && reference.IndexOf('/') < question) return null;
        if (_conditional.TryGetValue(reference, out var known)) return known;
        var type = reference[..question];
        ResourceIdentity.RequireType(type);
        var criteria = SearchEndpoints.Criteria(QueryHelpers.ParseQuery(reference[(question + 1)..])
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))));
        var matches = await ScopedWrites.MatchAsync(scope, type, criteria, 2, ct);
        if (matches.Count == 0)
            throw FhirProblem.Of(ProblemKind.NotFound, "not-found", $"The conditional reference '{ResourceIdentity.Truncate(reference)}' matches no resource.");
        if (matches.Count > 1)
            throw FhirProblem.Of(ProblemKind.VersionMismatch, "multiple-matches", $"The conditional reference '{ResourceIdentity.Truncate(reference)}' matches more than one resource.");
        return _conditional[reference] = $"{type}/{matches[0].Id}";
    }
}
