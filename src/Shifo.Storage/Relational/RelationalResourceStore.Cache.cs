using System.Data.Common;
using Shifo.Storage.Caching;
using Shifo.Storage.Model;
using Shifo.Storage.Postgres;

namespace Shifo.Storage.Relational;

/// <summary>
/// Reads by id and vread through the <see cref="ReadCache"/>, and the writes' side of its coherence: a transaction
/// that gives an existing resource a new version announces it inside the transaction (other nodes hear it on commit
/// only) and drops it from this node's cache right after its commit, before the caller answers.
/// </summary>
public sealed partial class RelationalResourceStore
{
    /// <summary>The cache of current versions; null when off. Serves only while a change listener keeps it coherent.</summary>
    public ReadCache? ReadCache { get; init; }

    /// <summary>The writer's name in its change messages (the cache's node id, so that the node skips its own).</summary>
    private string NodeId => ReadCache?.NodeId ?? _anonymousNode;
    private readonly string _anonymousNode = Guid.NewGuid().ToString("N");

    /// <summary>The listener that keeps <see cref="ReadCache"/> coherent, or null when there is nothing to keep (no cache, or SQLite).</summary>
    public PostgresChangeListener? CreateChangeListener(TimeSpan reconnectDelay) =>
        ReadCache is { } cache && dialect is PostgresDialect postgres
            ? new PostgresChangeListener(postgres.ConnectionString, cache, reconnectDelay)
            : null;

    private async Task<StoredResource?> ReadThroughAsync(ReadCache cache, CacheKey key, Func<Task<StoredResource?>> read)
    {
        // captured before the database read: an invalidation of the key during the read makes the fill a no-op
        var stamp = cache.BeginFill(key);
        var resource = await read();
        cache.Fill(key, stamp, resource);
        return resource;
    }

    /// <summary>Announces <paramref name="changed"/> in the transaction, commits it, then drops them from this node's cache.</summary>
    private async Task CommitAnnouncedAsync(DbConnection connection, DbTransaction tx, IReadOnlyCollection<(string Type, string Id)> changed, CancellationToken ct)
    {
        if (changed.Count > 0 && dialect.AnnounceChange is { } sql)
            foreach (var message in ChangeMessages.Encode(NodeId, changed))
                await Execute(connection, tx, sql, ct, ("@c", ChangeMessages.Channel), ("@p", message));
        try
        {
            await tx.CommitAsync(ct);
        }
        finally
        {
            // also when the commit's outcome is unknown (connection lost): dropping a key is always safe
            if (ReadCache is { } cache)
                foreach (var (type, id) in changed) cache.Invalidate(type, id);
        }
    }

    /// <summary>Whether a write changed a resource a reader may have cached: any version after the first.</summary>
    private static bool ChangesExisting(StoredResource? stored) => stored is { VersionId: > 1 };
}
