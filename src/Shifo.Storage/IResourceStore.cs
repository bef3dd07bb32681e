using Shifo.Fhir.Model;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Storage;

/// <summary>
/// Durable FHIR resources with every version kept. Each write stores the resource, its version row and its
/// search index rows in one database transaction: it happens whole or not at all. Both adapters (SQLite and
/// PostgreSQL) behave identically behind this interface.
/// </summary>
public interface IResourceStore : IAsyncDisposable
{
    /// <summary>"SQLite" or "PostgreSQL".</summary>
    string Kind { get; }

    /// <summary>Where the data lives, for people (never a password).</summary>
    string Location { get; }

    /// <summary>Creates or migrates the schema; call once at start-up.</summary>
    Task InitializeAsync(CancellationToken ct = default);

    /// <summary>Stores a new resource under a new server-assigned id (version 1). The node is stamped with id and meta.</summary>
    Task<StoredResource> CreateAsync(ElementNode resource, CancellationToken ct = default);

    /// <summary>
    /// Stores new resources under the ids they carry (version 1 each) in one transaction, for bulk loads: all or
    /// none. An id that already exists fails the whole batch with <see cref="ConcurrentWriteException"/>.
    /// </summary>
    Task<IReadOnlyList<StoredResource>> CreateBatchAsync(IReadOnlyList<ElementNode> resources, CancellationToken ct = default);

    /// <summary>
    /// Stores a new version of the resource under the id it carries, creating it if it does not exist (update-as-create).
    /// With <paramref name="expectedVersion"/> the write happens only if that is the current version (else <see cref="VersionConflictException"/>).
    /// </summary>
    Task<UpdateResult> UpdateAsync(ElementNode resource, long? expectedVersion = null, CancellationToken ct = default);

    /// <summary>Writes a delete version (history keeps the earlier ones) and removes the resource from search.</summary>
    Task<DeleteResult> DeleteAsync(string resourceType, string id, long? expectedVersion = null, CancellationToken ct = default);

    /// <summary>The current version, which may be a delete version; null if the resource never existed.</summary>
    Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken ct = default);

    /// <summary>One version; null if there is no such version.</summary>
    Task<StoredResource?> ReadVersionAsync(string resourceType, string id, long versionId, CancellationToken ct = default);

    Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct = default);

    /// <summary>The search entry point: compiled by the store's <see cref="ISearchCompiler"/> to its dialect's SQL.</summary>
    Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct = default);

    /// <summary>Opens a unit of work: many reads and writes in one database transaction (see <see cref="IWriteScope"/>).</summary>
    Task<IWriteScope> BeginWriteScopeAsync(CancellationToken ct = default);

    /// <summary>Rebuilds the index rows of every current resource (of one type, or all), e.g. after the definitions changed.</summary>
    Task<long> ReindexAsync(string? resourceType = null, CancellationToken ct = default);
}
