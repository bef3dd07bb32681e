using Shifo.Fhir.Model;
using Shifo.Server.Pipeline;
using Shifo.Server.Security.Audit;
using Shifo.Server.Security.Scopes;
using Shifo.Storage;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Server.Security.Enforcement;

/// <summary>
/// A write scope under enforcement: every read, search and write inside a transaction (conditional interactions,
/// transaction and batch Bundles) is decided like its plain counterpart, and a write of patient data stores its
/// AuditEvents in the same transaction. A refusal throws, so a transaction fails whole.
/// </summary>
public sealed class GuardedWriteScope(IWriteScope inner, RequestGuard guard, GuardedSearch search) : IWriteScope
{
    // the writes of this scope that change access decisions, and the patients they name (old and new content)
    private readonly List<(string Type, IReadOnlyCollection<string> Patients)> _decisionWrites = [];

    public async Task<StoredResource> CreateAsync(ElementNode resource, string? id = null, CancellationToken ct = default)
    {
        if (guard.Unrestricted) return await inner.CreateAsync(resource, id, ct);
        var type = resource.TypeName;
        var verdict = await guard.DecideWriteAsync(type, resource, null, ScopeActions.Create, ct);
        if (!verdict.IsAllowed) throw guard.Refuse("create", AuditAction.Create, type, verdict);
        var stored = await inner.CreateAsync(resource, id, ct);
        await AfterWriteAsync("create", AuditAction.Create, stored, verdict, ct);
        return stored;
    }

    public async Task<UpdateResult> UpdateAsync(ElementNode resource, long? expectedVersion = null, CancellationToken ct = default)
    {
        var type = resource.TypeName;
        AuditEventRules.RefuseChange(type, "update");
        if (guard.Unrestricted) return await inner.UpdateAsync(resource, expectedVersion, ct);
        var id = resource.Child("id")?.Value;
        var current = id is null ? null : await inner.ReadAsync(type, id, ct);
        var existing = current is { IsDeleted: false } ? current : null;
        var verdict = await guard.DecideWriteAsync(type, resource, existing, ScopeActions.Update, ct);
        if (!verdict.IsAllowed) throw guard.Refuse("update", AuditAction.Update, $"{type}/{id}", verdict);
        var result = await inner.UpdateAsync(resource, expectedVersion, ct);
        await AfterWriteAsync("update", result.Created ? AuditAction.Create : AuditAction.Update, result.Resource, verdict, ct);
        return result;
    }

    public async Task<DeleteResult> DeleteAsync(string resourceType, string id, long? expectedVersion = null, CancellationToken ct = default)
    {
        AuditEventRules.RefuseChange(resourceType, "delete");
        if (guard.Unrestricted) return await inner.DeleteAsync(resourceType, id, expectedVersion, ct);
        var current = await inner.ReadAsync(resourceType, id, ct);
        var verdict = await guard.DecideWriteAsync(resourceType, null, current is { IsDeleted: false } ? current : null, ScopeActions.Delete, ct);
        if (!verdict.IsAllowed) throw guard.Refuse("delete", AuditAction.Delete, $"{resourceType}/{id}", verdict);
        var result = await inner.DeleteAsync(resourceType, id, expectedVersion, ct);
        if (result.Version is { } version) await AfterWriteAsync("delete", AuditAction.Delete, version, verdict, ct);
        return result;
    }

    public async Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken ct = default)
    {
        var stored = await inner.ReadAsync(resourceType, id, ct);
        if (guard.Unrestricted || stored is null) return stored;
        var verdict = await guard.DecideStoredAsync(stored, ScopeActions.Read, ct);
        if (!verdict.IsAllowed) throw guard.Refuse("read", AuditAction.Read, $"{resourceType}/{id}", verdict);
        guard.RecordAccess("read", AuditAction.Read, $"{resourceType}/{id}", verdict);
        return stored;
    }

    public Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct = default) =>
        search.SearchAsync(query, q => inner.SearchAsync(q, ct), ct);

    public Task LockAsync(string key, CancellationToken ct = default) => inner.LockAsync(key, ct);

    public async Task CommitAsync(CancellationToken ct = default)
    {
        await inner.CommitAsync(ct);
        // answers cached while the transaction was open may predate it
        foreach (var (type, patients) in _decisionWrites) guard.PatientAccess.Invalidate(type, patients);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private async Task AfterWriteAsync(string interaction, AuditAction action, StoredResource stored, Verdict verdict, CancellationToken ct)
    {
        // a new Patient's id is only known once stored: it is its own patient
        if (stored.ResourceType == "Patient" && verdict.Owners.Count == 0) verdict = verdict with { Owners = [stored.Id] };
        if (PatientAccess.AffectsDecisions(stored.ResourceType))
        {
            _decisionWrites.Add((stored.ResourceType, verdict.Owners));
            guard.PatientAccess.Invalidate(stored.ResourceType, verdict.Owners);
        }
        foreach (var auditEvent in guard.AuditEventsForWrite(interaction, action, $"{stored.ResourceType}/{stored.Id}", verdict))
            await inner.CreateAsync(auditEvent, null, ct);
    }
}
