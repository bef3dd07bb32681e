using Shifo.Storage;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Server.Pipeline;

/// <summary>
/// The one way resources are read: (authenticate → authorize → consent, later) → fetch → (audit, later).
/// Read of a deleted resource is Gone; of one that never existed, NotFound.
/// </summary>
public sealed class ReadPipeline(IResourceStore store)
{
    public async Task<StoredResource> ReadAsync(string type, string id, CancellationToken ct)
    {
        ResourceIdentity.RequireType(type);
        ResourceIdentity.RequireId(id);
        var stored = await store.ReadAsync(type, id, ct)
            ?? throw FhirProblem.Of(ProblemKind.NotFound, "not-found", $"{type}/{id} does not exist.");
        if (stored.IsDeleted)
            throw FhirProblem.Of(ProblemKind.Gone, "deleted", $"{type}/{id} was deleted (version {stored.VersionId}).");
        return stored;
    }

    public async Task<StoredResource> ReadVersionAsync(string type, string id, string version, CancellationToken ct)
    {
        ResourceIdentity.RequireType(type);
        ResourceIdentity.RequireId(id);
        var v = ResourceIdentity.ParseVersion(version);
        var stored = await store.ReadVersionAsync(type, id, v, ct)
            ?? throw FhirProblem.Of(ProblemKind.NotFound, "not-found", $"{type}/{id} has no version {v}.");
        if (stored.IsDeleted)
            throw FhirProblem.Of(ProblemKind.Gone, "deleted", $"Version {v} of {type}/{id} is its deletion.");
        return stored;
    }

    public async Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct)
    {
        if (query.ResourceType is { } type) ResourceIdentity.RequireType(type);
        if (query.Id is { } id)
        {
            ResourceIdentity.RequireId(id);
            if (await store.ReadAsync(query.ResourceType!, id, ct) is null)
                throw FhirProblem.Of(ProblemKind.NotFound, "not-found", $"{query.ResourceType}/{id} does not exist.");
        }
        return await store.HistoryAsync(query, ct);
    }

    public async Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct)
    {
        if (query.ResourceType is { } type) ResourceIdentity.RequireType(type);
        var page = await store.SearchAsync(query, ct);
        // a search written wrongly (or, under strict handling, naming an unknown parameter) is a 400
        if (page.Issues.Any(i => i.IsError)) throw new FhirProblem(ProblemKind.Invalid, page.Issues);
        return page;
    }
}
