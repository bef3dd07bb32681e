using Shifo.Fhir.Model;
using Shifo.Server.Pipeline;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Audit;
using Shifo.Server.Security.Scopes;
using Shifo.Storage;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Server.Security.Enforcement;

/// <summary>
/// The store as every request sees it (registered per request as <see cref="IResourceStore"/>): the one choke point
/// of enforcement, so that no endpoint can reach data around it. It asks the request's <see cref="RequestGuard"/>
/// about every read, search, history and write, and refuses when the request has no verified caller. With security
/// off (<see cref="AccessContext.Unrestricted"/>) it passes straight through. Writes go through a scope of the real
/// store so that their AuditEvents commit with them.
/// </summary>
public sealed class GuardedResourceStore(TrustedStore trusted, RequestGuard guard, GuardedSearch search) : IResourceStore
{
    private readonly IResourceStore _inner = trusted.Store;

    public string Kind => _inner.Kind;

    public string Location => _inner.Location;

    public Task InitializeAsync(CancellationToken ct = default) =>
        throw FhirProblem.Of(ProblemKind.Forbidden, "forbidden", "The schema is the server's own business.");

    public async Task<StoredResource> CreateAsync(ElementNode resource, CancellationToken ct = default)
    {
        if (guard.Unrestricted) return await _inner.CreateAsync(resource, ct);
        await using var scope = await BeginWriteScopeAsync(ct);
        var stored = await scope.CreateAsync(resource, null, ct);
        await scope.CommitAsync(ct);
        return stored;
    }

    public async Task<IReadOnlyList<StoredResource>> CreateBatchAsync(IReadOnlyList<ElementNode> resources, CancellationToken ct = default)
    {
        if (!guard.Unrestricted)
        {
            var access = guard.Access;
            foreach (var resource in resources)
                if (access.Role != AccessRole.System || !ScopeRules.Allows(access, resource.TypeName, ScopeActions.Create, null))
                    throw guard.Refuse("create", AuditAction.Create, resource.TypeName, "Bulk loads are for systems with create scopes on every type loaded.");
        }
        var stored = await _inner.CreateBatchAsync(resources, ct);
        if (!guard.Unrestricted)
            foreach (var resource in resources)
                if (PatientAccess.AffectsDecisions(resource.TypeName))
                    guard.PatientAccess.Invalidate(resource.TypeName, guard.Compartment.PatientsOf(resource));
        return stored;
    }

    public async Task<UpdateResult> UpdateAsync(ElementNode resource, long? expectedVersion = null, CancellationToken ct = default)
    {
        AuditEventRules.RefuseChange(resource.TypeName, "update");
        if (guard.Unrestricted) return await _inner.UpdateAsync(resource, expectedVersion, ct);
        await using var scope = await BeginWriteScopeAsync(ct);
        var result = await scope.UpdateAsync(resource, expectedVersion, ct);
        await scope.CommitAsync(ct);
        return result;
    }

    public async Task<DeleteResult> DeleteAsync(string resourceType, string id, long? expectedVersion = null, CancellationToken ct = default)
    {
        AuditEventRules.RefuseChange(resourceType, "delete");
        if (guard.Unrestricted) return await _inner.DeleteAsync(resourceType, id, expectedVersion, ct);
        await using var scope = await BeginWriteScopeAsync(ct);
        var result = await scope.DeleteAsync(resourceType, id, expectedVersion, ct);
        await scope.CommitAsync(ct);
        return result;
    }

    public async Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken ct = default)
    {
        var stored = await _inner.ReadAsync(resourceType, id, ct);
        if (stored is null || guard.Unrestricted) return stored;
        await CheckReadAsync("read", stored, ct);
        return stored;
    }

    public async Task<StoredResource?> ReadVersionAsync(string resourceType, string id, long versionId, CancellationToken ct = default)
    {
        var stored = await _inner.ReadVersionAsync(resourceType, id, versionId, ct);
        if (stored is null || guard.Unrestricted) return stored;
        await CheckReadAsync("vread", stored, ct);
        return stored;
    }

    public Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct = default) =>
        search.HistoryAsync(query, q => _inner.HistoryAsync(q, ct), (type, id) => _inner.ReadAsync(type, id, ct), ct);

    public Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct = default) =>
        search.SearchAsync(query, q => _inner.SearchAsync(q, ct), ct);

    public async Task<IWriteScope> BeginWriteScopeAsync(CancellationToken ct = default)
    {
        _ = guard.Access; // no caller, no transaction
        return new GuardedWriteScope(await _inner.BeginWriteScopeAsync(ct), guard, search);
    }

    public Task<long> ReindexAsync(string? resourceType = null, CancellationToken ct = default) =>
        guard.Unrestricted
            ? _inner.ReindexAsync(resourceType, ct)
            : throw FhirProblem.Of(ProblemKind.Forbidden, "forbidden", "Reindexing is the server's own business.");

    /// <summary>The real store belongs to the application, not to the request.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task CheckReadAsync(string interaction, StoredResource stored, CancellationToken ct)
    {
        var what = $"{stored.ResourceType}/{stored.Id}";
        var verdict = await guard.DecideStoredAsync(stored, ScopeActions.Read, ct);
        // refused reads are 403, not 404: that the resource exists is already in the URL
        if (!verdict.IsAllowed) throw guard.Refuse(interaction, AuditAction.Read, what, verdict);
        guard.RecordAccess(interaction, AuditAction.Read, what, verdict);
    }
}
