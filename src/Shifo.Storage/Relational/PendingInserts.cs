using System.Data.Common;
using Shifo.Storage.Indexing;
using Shifo.Storage.Model;

namespace Shifo.Storage.Relational;

/// <summary>
/// The rows of resources a write scope creates under fresh server-assigned ids, held back and written together: a
/// transaction Bundle of fifty new resources then costs a few multi-row statements instead of eight round trips per
/// resource. The scope flushes them before anything that could see them (a read, a search, a write of one of these
/// ids) and before commit, so the scope's own reads still see its writes and nothing changes for anyone else.
/// </summary>
internal sealed class PendingInserts
{
    private readonly List<StoredResource> _resources = [];
    private readonly List<(StoredResource, IndexRow)> _rows = [];
    private readonly HashSet<(string, string)> _keys = [];
    private readonly HashSet<(string, string)> _createdHere = [];

    public bool Holds(string type, string id) => _keys.Contains((type, id));

    /// <summary>Whether this scope created type/id, held back or written already.</summary>
    public bool CreatedHere(string type, string id) => _createdHere.Contains((type, id));

    public void Add(StoredResource resource, IReadOnlyList<IndexRow> rows)
    {
        _resources.Add(resource);
        _keys.Add((resource.ResourceType, resource.Id));
        _createdHere.Add((resource.ResourceType, resource.Id));
        foreach (var row in rows) _rows.Add((resource, row));
    }

    public async Task FlushAsync(SqlDialect dialect, DbConnection connection, DbTransaction tx, CancellationToken ct)
    {
        if (_resources.Count == 0) return;
        try
        {
            await BatchInsert.WriteAsync(dialect, connection, tx, _resources, _rows, ct);
        }
        catch (Exception ex) when (dialect.IsUniqueViolation(ex))
        {
            // another transaction created one of these ids since this scope looked (only PostgreSQL lets two scopes write at once)
            var first = _resources[0];
            throw new ConcurrentWriteException(first.ResourceType, first.Id, ex);
        }
        finally
        {
            _resources.Clear();
            _rows.Clear();
            _keys.Clear();
        }
    }
}
