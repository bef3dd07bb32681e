using System.Data.Common;
using Shifo.Fhir.Model;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Storage.Relational;

public sealed partial class RelationalResourceStore
{
    public async Task<IWriteScope> BeginWriteScopeAsync(CancellationToken ct = default)
    {
        var connection = await dialect.OpenAsync(ct);
        try
        {
            var tx = await dialect.BeginWriteAsync(connection, ct);
            ScopeTransactions.Register(connection, tx);
            return new Scope(this, connection, tx);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>One connection and one write transaction shared by every call until commit or dispose.</summary>
    private sealed class Scope(RelationalResourceStore store, DbConnection connection, DbTransaction tx) : IWriteScope
    {
        private bool _done;
        private readonly PendingInserts _pending = new();
        /// <summary>Existing resources this scope gave new versions: announced and dropped from the cache at commit.</summary>
        private readonly HashSet<(string, string)> _changed = [];

        /// <summary>Writes the held-back rows of new resources: before anything that could see them.</summary>
        private Task FlushAsync(CancellationToken ct) => _pending.FlushAsync(store.Dialect, connection, tx, ct);

        /// <summary>A write of an id the scope created and still holds back: flushed first, so the write finds it.</summary>
        private Task FlushIfHeldAsync(string type, string id, CancellationToken ct) =>
            _pending.Holds(type, id) ? FlushAsync(ct) : Task.CompletedTask;

        public async Task<StoredResource> CreateAsync(ElementNode resource, string? id = null, CancellationToken ct = default)
        {
            Open();
            id ??= Guid.CreateVersion7().ToString();
            // created by this scope already: the look the write skips would have found it
            if (_pending.CreatedHere(resource.TypeName, id)) throw new ConcurrentWriteException(resource.TypeName, id);
            var (stored, _) = await store.WriteInAsync(connection, tx, resource.TypeName, id, resource, null, mustBeNew: true, ct, _pending);
            return stored!;
        }

        public async Task<UpdateResult> UpdateAsync(ElementNode resource, long? expectedVersion = null, CancellationToken ct = default)
        {
            Open();
            var id = resource.Child("id")?.Value ?? throw new ArgumentException("An update needs the resource's id.", nameof(resource));
            await FlushIfHeldAsync(resource.TypeName, id, ct);
            var (stored, created) = await store.WriteInAsync(connection, tx, resource.TypeName, id, resource, expectedVersion, mustBeNew: false, ct, _pending);
            if (ChangesExisting(stored)) _changed.Add((resource.TypeName, id));
            return new UpdateResult(stored!, created);
        }

        public async Task<DeleteResult> DeleteAsync(string resourceType, string id, long? expectedVersion = null, CancellationToken ct = default)
        {
            Open();
            await FlushIfHeldAsync(resourceType, id, ct);
            try
            {
                var (stored, _) = await store.WriteInAsync(connection, tx, resourceType, id, null, expectedVersion, mustBeNew: false, ct);
                if (ChangesExisting(stored)) _changed.Add((resourceType, id));
                return new DeleteResult(DeleteStatus.Deleted, stored);
            }
            catch (NothingToDeleteException ex)
            {
                return new DeleteResult(ex.NeverExisted ? DeleteStatus.NotFound : DeleteStatus.AlreadyDeleted, null);
            }
        }

        public async Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken ct = default)
        {
            Open();
            await FlushIfHeldAsync(resourceType, id, ct);
            await using var cmd = Command(connection, tx, store.Dialect.ReadCurrent, ("@t", resourceType), ("@i", id));
            return await ReadOneAsync(cmd, ct);
        }

        public async Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct = default)
        {
            Open();
            await FlushAsync(ct); // a search (or an _include) may match any of them
            return await store.SearchOnAsync(connection, query, ct);
        }

        public async Task LockAsync(string key, CancellationToken ct = default)
        {
            Open();
            await store.LockKeyAsync(connection, tx, key, ct);
        }

        public async Task CommitAsync(CancellationToken ct = default)
        {
            Open();
            await FlushAsync(ct);
            await store.CommitAnnouncedAsync(connection, tx, _changed, ct);
            _done = true;
        }

        private void Open()
        {
            if (_done) throw new InvalidOperationException("This write scope has been committed.");
        }

        public async ValueTask DisposeAsync()
        {
            ScopeTransactions.Release(connection);
            // not committed: rolled back whole (disposing an open transaction rolls it back)
            await tx.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
