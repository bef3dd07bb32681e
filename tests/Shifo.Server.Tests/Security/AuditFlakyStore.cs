using Shifo.Fhir.Model;
using Shifo.Storage;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Server.Tests.Security;

/// <summary>A real store whose bulk create fails its first <paramref name="failures"/> calls, as a database outage would.</summary>
public sealed class AuditFlakyStore(IResourceStore inner, int failures) : IResourceStore
{
    private int _calls;

    public int Calls => _calls;

    public string Kind => inner.Kind;
    public string Location => inner.Location;
    public Task InitializeAsync(CancellationToken ct = default) => inner.InitializeAsync(ct);
    public Task<StoredResource> CreateAsync(ElementNode resource, CancellationToken ct = default) => inner.CreateAsync(resource, ct);

    public Task<IReadOnlyList<StoredResource>> CreateBatchAsync(IReadOnlyList<ElementNode> resources, CancellationToken ct = default) =>
        Interlocked.Increment(ref _calls) <= failures
            ? Task.FromException<IReadOnlyList<StoredResource>>(new IOException("database unreachable (test)"))
            : inner.CreateBatchAsync(resources, ct);

    public Task<UpdateResult> UpdateAsync(ElementNode resource, long? expectedVersion = null, CancellationToken ct = default) => throw new InvalidOperationException("The audit writer must never update.");
    public Task<DeleteResult> DeleteAsync(string resourceType, string id, long? expectedVersion = null, CancellationToken ct = default) => throw new InvalidOperationException("The audit writer must never delete.");
    public Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken ct = default) => inner.ReadAsync(resourceType, id, ct);
    public Task<StoredResource?> ReadVersionAsync(string resourceType, string id, long versionId, CancellationToken ct = default) => inner.ReadVersionAsync(resourceType, id, versionId, ct);
    public Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct = default) => inner.HistoryAsync(query, ct);
    public Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct = default) => inner.SearchAsync(query, ct);
    public Task<IWriteScope> BeginWriteScopeAsync(CancellationToken ct = default) => throw new InvalidOperationException("The audit writer writes through bulk create only.");
    public Task<long> ReindexAsync(string? resourceType = null, CancellationToken ct = default) => inner.ReindexAsync(resourceType, ct);
    // the fixture owns the real store
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
