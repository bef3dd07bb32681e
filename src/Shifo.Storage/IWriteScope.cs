using Shifo.Fhir.Model;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Storage;

/// <summary>
/// Several reads, searches and writes in ONE database transaction (a transaction Bundle, a conditional update):
/// nothing is visible to others until <see cref="CommitAsync"/>, and disposing without committing rolls all back.
/// SQLite holds its write lock for the whole scope; PostgreSQL row-locks every resource the scope writes.
/// Reads and searches inside the scope see the scope's own writes.
/// </summary>
public interface IWriteScope : IAsyncDisposable
{
    /// <summary>Creates a resource; with <paramref name="id"/> under that (new) id, else under a server-assigned one.</summary>
    Task<StoredResource> CreateAsync(ElementNode resource, string? id = null, CancellationToken ct = default);

    Task<UpdateResult> UpdateAsync(ElementNode resource, long? expectedVersion = null, CancellationToken ct = default);

    Task<DeleteResult> DeleteAsync(string resourceType, string id, long? expectedVersion = null, CancellationToken ct = default);

    Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken ct = default);

    Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct = default);

    /// <summary>
    /// Serializes this scope with every other scope that locks the same key, until commit or rollback: conditional
    /// creates take it on their criteria so that two of them cannot both find nothing and both create.
    /// SQLite: nothing to do (a scope already holds the database's write lock).
    /// </summary>
    Task LockAsync(string key, CancellationToken ct = default);

    Task CommitAsync(CancellationToken ct = default);
}
