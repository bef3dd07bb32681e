using Microsoft.Extensions.Options;
using Shifo.Server.Hosting;
using Shifo.Server.Pipeline;
using Shifo.Storage;
using Shifo.Storage.Search;

namespace Shifo.Server.Bundles;

/// <summary>Runs one Bundle entry inside a write scope; shared by transactions (one scope for all) and batches (one scope each).</summary>
public sealed class EntryExecutor(ScopedWrites writes, IOptions<ServerOptions> options)
{
    public async Task<EntryResult> RunAsync(IWriteScope scope, EntryRequest entry, string baseUrl, CancellationToken ct)
    {
        switch (entry.Method)
        {
            // an entry runs once: its resource is handed on as it is (the write sets or removes its id), not copied
            case "POST":
            {
                var outcome = await writes.CreateAsync(scope, entry.Type, entry.Resource!, entry.Id, entry.IfNoneExist, ct);
                return new EntryResult(outcome.Status, outcome.Resource);
            }
            case "PUT":
            {
                var outcome = await writes.UpdateAsync(scope, entry.Type, entry.Id, entry.Criteria, entry.Resource!, entry.IfMatch, ct);
                return new EntryResult(outcome.Status, outcome.Resource);
            }
            case "PATCH":
            {
                var outcome = await writes.PatchAsync(scope, entry.Type, entry.Id, entry.Criteria, entry.Patch(), entry.IfMatch, ct);
                return new EntryResult(outcome.Status, outcome.Resource);
            }
            case "DELETE":
            {
                var outcome = await writes.DeleteAsync(scope, entry.Type, entry.Id, entry.Criteria, entry.IfMatch, ct);
                return new EntryResult(outcome.Status, outcome.Resource);
            }
            default:
                return await GetAsync(scope, entry, baseUrl, ct);
        }
    }

    private async Task<EntryResult> GetAsync(IWriteScope scope, EntryRequest entry, string baseUrl, CancellationToken ct)
    {
        ResourceIdentity.RequireType(entry.Type);
        if (entry.Id is { } id)
        {
            ResourceIdentity.RequireId(id);
            var stored = await scope.ReadAsync(entry.Type, id, ct)
                ?? throw FhirProblem.Of(ProblemKind.NotFound, "not-found", $"{entry.Type}/{id} does not exist.");
            if (stored.IsDeleted) throw FhirProblem.Of(ProblemKind.Gone, "deleted", $"{entry.Type}/{id} was deleted.");
            if (entry.IfNoneMatch is { } tags && tags.Split(',').Any(t => t.Trim() == "*" || Http.ConditionalHeaders.ParseETag(t) == stored.VersionId))
                return new EntryResult(304, stored with { Json = null });
            return new EntryResult(200, stored);
        }
        var count = options.Value.DefaultPageSize;
        if (entry.Query.LastOrDefault(p => p.Key == "_count").Value is { } c && int.TryParse(c, out var n)) count = Math.Clamp(n, 0, options.Value.MaxPageSize);
        var page = await scope.SearchAsync(new SearchQuery { ResourceType = entry.Type, Parameters = Endpoints.SearchEndpoints.Criteria(entry.Query), Count = count }, ct);
        if (page.Issues.Any(i => i.IsError)) throw new FhirProblem(ProblemKind.Invalid, page.Issues);
        using var bundle = new BundleWriter("searchset", baseUrl, page.Total, [("self", $"{baseUrl}/{entry.Url.Split('/').Last()}")]);
        foreach (var match in page.Matches) bundle.AddSearchEntry(match, match.Json!, "match");
        foreach (var included in page.Included) bundle.AddSearchEntry(included, included.Json!, "include");
        return new EntryResult(200, null, bundle.ToArray());
    }
}
