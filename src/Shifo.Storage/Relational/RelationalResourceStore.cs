using System.Data.Common;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;
using Shifo.Storage.Indexing;
using Shifo.Storage.Model;
using Shifo.Storage.Search;
using Shifo.Storage.Search.Paging;

namespace Shifo.Storage.Relational;

/// <summary>
/// The store's logic, once for both databases: version checks, stamping, the single write transaction (resource,
/// version row, index rows), history and reads. The dialect supplies connections and SQL.
/// </summary>
public sealed partial class RelationalResourceStore(SqlDialect dialect, SearchIndexer indexer, ISearchCompiler searchCompiler, TimeProvider? clock = null)
    : IResourceStore
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public string Kind => dialect.Name;
    public string Location => dialect.Location;
    internal SqlDialect Dialect => dialect;

    public Task InitializeAsync(CancellationToken ct = default) => new SchemaMigrator(dialect).MigrateAsync(ct);

    public async Task<StoredResource> CreateAsync(ElementNode resource, CancellationToken ct = default)
    {
        // version 7 GUIDs grow with time, which keeps B-tree inserts local
        var id = Guid.CreateVersion7().ToString();
        var (stored, _) = await WriteAsync(resource.TypeName, id, resource, expected: null, mustBeNew: true, ct);
        return stored!;
    }

    public async Task<UpdateResult> UpdateAsync(ElementNode resource, long? expectedVersion = null, CancellationToken ct = default)
    {
        var id = resource.Child("id")?.Value ?? throw new ArgumentException("An update needs the resource's id.", nameof(resource));
        var (stored, created) = await WriteAsync(resource.TypeName, id, resource, expectedVersion, mustBeNew: false, ct);
        return new UpdateResult(stored!, created);
    }

    public async Task<DeleteResult> DeleteAsync(string resourceType, string id, long? expectedVersion = null, CancellationToken ct = default)
    {
        try
        {
            var (stored, _) = await WriteAsync(resourceType, id, null, expectedVersion, mustBeNew: false, ct);
            return new DeleteResult(DeleteStatus.Deleted, stored);
        }
        catch (NothingToDeleteException ex)
        {
            return new DeleteResult(ex.NeverExisted ? DeleteStatus.NotFound : DeleteStatus.AlreadyDeleted, null);
        }
    }

    private sealed class NothingToDeleteException(bool neverExisted) : Exception
    {
        public bool NeverExisted { get; } = neverExisted;
    }

    /// <summary>One write, whole or nothing: a new version of type/id holding <paramref name="resource"/>, or a delete version when it is null.</summary>
    private async Task<(StoredResource? Stored, bool Created)> WriteAsync(
        string type, string id, ElementNode? resource, long? expected, bool mustBeNew, CancellationToken ct)
    {
        await using var connection = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(connection, ct);
        var result = await WriteInAsync(connection, tx, type, id, resource, expected, mustBeNew, ct);
        await CommitAnnouncedAsync(connection, tx, ChangesExisting(result.Stored) ? [(type, id)] : [], ct);
        return result;
    }

    /// <summary>The write itself, inside a transaction the caller commits (one request, or a whole transaction Bundle).</summary>
    private async Task<(StoredResource? Stored, bool Created)> WriteInAsync(DbConnection connection, DbTransaction tx,
        string type, string id, ElementNode? resource, long? expected, bool mustBeNew, CancellationToken ct, PendingInserts? deferNew = null)
    {
        try
        {
            (long Version, long Updated, bool Deleted)? current = null;
            // a create whose rows are held back needs no look: an id taken meanwhile fails the flush's unique key, the
            // same ConcurrentWriteException (its ids are fresh version 7 GUIDs: that takes another writer's clash)
            if (!(mustBeNew && deferNew is not null))
            {
                await using var select = Command(connection, tx, dialect.SelectCurrentForWrite, ("@t", type), ("@i", id));
                await using var reader = await select.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct))
                    current = (reader.GetInt64(0), reader.GetInt64(1), reader.GetBoolean(2));
            }

            if (mustBeNew && current is not null) throw new ConcurrentWriteException(type, id);
            if (expected is not null && (current is null || current.Value.Version != expected))
                throw new VersionConflictException(type, id, expected, current?.Version);
            if (resource is null && (current is null || current.Value.Deleted))
                throw new NothingToDeleteException(current is null);

            var version = (current?.Version ?? 0) + 1;
            // versions of one resource get strictly increasing times, which _at and history order rely on
            var now = SnapshotFence.WriteTime(_clock);
            if (current is not null && now <= current.Value.Updated) now = current.Value.Updated + 1;
            var lastUpdated = DateTimeOffset.FromUnixTimeMilliseconds(now);
            var created = current is null || current.Value.Deleted;
            var change = resource is null ? ChangeKind.Delete : created ? ChangeKind.Create : ChangeKind.Update;

            byte[]? json = null;
            IReadOnlyList<IndexRow> rows = [];
            if (resource is not null)
            {
                ResourceStamp.Apply(resource, id, version, lastUpdated);
                json = FhirJsonWriter.ToUtf8(resource);
                rows = indexer.Extract(resource);
            }

            var stored = new StoredResource(type, id, version, lastUpdated, change, json);
            if (mustBeNew && deferNew is not null)
            {
                // a create: its rows join the scope's pending inserts. Update-as-create is written at once, as before:
                // two transactions creating one client id then clash at the second one's insert, not at its commit
                deferNew.Add(stored, rows);
                return (stored, created);
            }
            await Execute(connection, tx, dialect.InsertVersion, ct, ("@t", type), ("@i", id), ("@v", version), ("@u", now), ("@c", (int)change), ("@j", json));
            if (current is not null)
                await Execute(connection, tx, dialect.SupersedeVersion, ct, ("@t", type), ("@i", id), ("@v", current.Value.Version), ("@u", now));
            await Execute(connection, tx, dialect.UpsertCurrent, ct, ("@t", type), ("@i", id), ("@v", version), ("@u", now), ("@d", resource is null));
            await ReplaceIndexRowsAsync(connection, tx, type, id, version, rows, deleteOld: current is not null, ct);
            return (stored, created);
        }
        catch (Exception ex) when (dialect.IsUniqueViolation(ex))
        {
            // two requests created the same id at once; the loser's transaction is rolled back whole
            throw new ConcurrentWriteException(type, id, ex);
        }
    }

    private async Task ReplaceIndexRowsAsync(DbConnection connection, DbTransaction tx, string type, string id, long version,
        IReadOnlyList<IndexRow> rows, bool deleteOld, CancellationToken ct)
    {
        if (deleteOld)
            foreach (var table in IndexTable.All)
                await Execute(connection, tx, dialect.DeleteIndexRows(table.Name), ct, ("@t", type), ("@i", id));
        await BatchInsert.ExecuteAsync(connection, tx, dialect, BatchInsert.Indexes(type, id, version, rows), ct);
    }

    public Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken ct = default)
    {
        if (ReadCache is not { } cache) return ReadCurrentAsync(resourceType, id, ct);
        var key = Caching.CacheKey.Current(resourceType, id);
        return cache.TryGet(key, out var hit)
            ? Task.FromResult<StoredResource?>(hit)
            : ReadThroughAsync(cache, key, () => ReadCurrentAsync(resourceType, id, ct));
    }

    // the hottest statement, kept prepared per connection: parsed and planned once (the same plan for every id);
    // dynamic search SQL is left unprepared so that PostgreSQL plans it for its values
    private Task<StoredResource?> ReadCurrentAsync(string resourceType, string id, CancellationToken ct) =>
        dialect.ReadPreparedAsync(dialect.ReadCurrent, [("@t", resourceType), ("@i", id)], FirstRow, ct);

    public Task<StoredResource?> ReadVersionAsync(string resourceType, string id, long versionId, CancellationToken ct = default)
    {
        if (ReadCache is not { } cache) return ReadStoredVersionAsync(resourceType, id, versionId, ct);
        // a version never changes once committed: its entry needs no invalidation
        var key = new Caching.CacheKey(resourceType, id, versionId);
        return cache.TryGet(key, out var hit)
            ? Task.FromResult<StoredResource?>(hit)
            : ReadThroughAsync(cache, key, () => ReadStoredVersionAsync(resourceType, id, versionId, ct));
    }

    private Task<StoredResource?> ReadStoredVersionAsync(string resourceType, string id, long versionId, CancellationToken ct) =>
        dialect.ReadPreparedAsync(dialect.ReadVersion, [("@t", resourceType), ("@i", id), ("@v", versionId)], FirstRow, ct);

    private static readonly Func<DbDataReader, CancellationToken, Task<StoredResource?>> FirstRow =
        async (reader, ct) => await reader.ReadAsync(ct) ? Materialize(reader, 0) : null;

    private static async Task<StoredResource?> ReadOneAsync(DbCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Materialize(reader, 0) : null;
    }

    /// <summary>Reads (res_type, res_id, version_id, last_updated, change, json) starting at column <paramref name="first"/>.</summary>
    internal static StoredResource Materialize(DbDataReader reader, int first) => new(
        reader.GetString(first),
        reader.GetString(first + 1),
        reader.GetInt64(first + 2),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(first + 3)),
        (ChangeKind)reader.GetInt32(first + 4),
        reader.IsDBNull(first + 5) ? null : (byte[])reader.GetValue(first + 5));

    public async Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct = default)
    {
        var p = new SqlParameters();
        var where = new List<string>();
        if (query.ResourceType is not null) where.Add("res_type = " + p.Add(query.ResourceType));
        if (query.Id is not null) where.Add("res_id = " + p.Add(query.Id));
        if (query.Since is { } since) where.Add("last_updated >= " + p.Add(since.ToUnixTimeMilliseconds()));
        if (query.AtLow is { } atLow && query.AtHigh is { } atHigh)
        {
            // current at some moment of [low, high]: written by high, and not replaced before low
            where.Add("last_updated <= " + p.Add(atHigh.ToUnixTimeMilliseconds()));
            where.Add("(superseded IS NULL OR superseded > " + p.Add(atLow.ToUnixTimeMilliseconds()) + ")");
        }
        var filter = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
        var pageFilter = query.Before is { } before
            ? (where.Count == 0 ? "WHERE " : filter + " AND ") + "seq < " + p.Add(before)
            : filter;

        await using var connection = await dialect.OpenAsync(ct);
        long total;
        await using (var count = Command(connection, null, $"SELECT COUNT(*) FROM resource_version {filter}", p))
            total = Convert.ToInt64(await count.ExecuteScalarAsync(ct));

        var entries = new List<StoredResource>();
        long? next = null;
        var sql = $"""
            SELECT seq, res_type, res_id, version_id, last_updated, change, json FROM resource_version {pageFilter}
            ORDER BY seq DESC LIMIT {p.Add(query.Count + 1)}
            """;
        await using (var page = Command(connection, null, sql, p))
        await using (var reader = await page.ExecuteReaderAsync(ct))
        {
            long lastSeq = 0;
            while (await reader.ReadAsync(ct))
            {
                if (entries.Count == query.Count) { next = lastSeq; break; }
                lastSeq = reader.GetInt64(0);
                entries.Add(Materialize(reader, 1));
            }
        }
        return new HistoryPage(entries, total, next);
    }

    public async Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct = default)
    {
        await using var connection = await dialect.OpenAsync(ct);
        return await SearchOnAsync(connection, query, ct);
    }

    /// <summary>A search on an open connection (a write scope's, so that it sees the scope's own writes).</summary>
    private async Task<SearchPage> SearchOnAsync(DbConnection connection, SearchQuery query, CancellationToken ct)
    {
        var compiled = searchCompiler.Compile(query, dialect);
        if (compiled.Issues.Any(i => i.IsError)) return SearchPage.Refused(compiled.Issues);

        var (matches, anchors, more, counted) = compiled.CountingPageSql is { } counting
            ? await ReadPageAsync(connection, compiled, counting, counts: true, query.Count, ct)
            : default;
        // a counting page that found more matches than it counts is not the page: read it plainly, count apart
        if (counted is null or > CompiledSearch.CountInPageLimit)
        {
            counted = null;
            (matches, anchors, more, _) = compiled.PageSql is { } plain
                ? await ReadPageAsync(connection, compiled, plain, counts: false, query.Count, ct)
                : ([], [], false, null);
        }
        if (compiled.Backward)
        {
            matches.Reverse();
            anchors.Reverse();
        }
        // forward: more rows after this page means a next page; backward: more rows before it means a previous one
        var hasNext = compiled.Backward || more;
        var hasPrevious = compiled.Backward ? more : compiled.HasCursor;
        string? next = null, previous = null;
        if (matches.Count > 0)
        {
            if (hasNext) next = new SearchCursor(compiled.Snapshot, false, anchors[^1]).Encode();
            if (hasPrevious) previous = new SearchCursor(compiled.Snapshot, true, anchors[0]).Encode();
        }

        long? total = null;
        var free = !compiled.HasCursor && compiled.PageSql is not null && !more;
        switch (compiled.Total)
        {
            case TotalMode.Default or TotalMode.Accurate when counted is not null:
                total = counted;
                break;
            case TotalMode.Default when free:
            case TotalMode.Accurate when free:
            case TotalMode.Estimate when free:
                total = matches.Count;
                break;
            case TotalMode.Default when !compiled.HasCursor:
            case TotalMode.Accurate:
                total = await CountAsync(connection, compiled, ct);
                break;
            case TotalMode.Estimate:
                await using (var count = Command(connection, null, compiled.CountSql, compiled.Parameters))
                    total = await dialect.EstimateRowsAsync(connection, count, ct) ?? await CountAsync(connection, compiled, ct);
                break;
        }

        var included = compiled.Includes.Count == 0 || matches.Count == 0
            ? []
            : await new IncludeLoader(connection, dialect).LoadAsync(matches, compiled.Includes, ct);
        return new SearchPage(matches, included, total, next, previous, compiled.Issues, compiled.Understood);
    }

    /// <summary>
    /// The rows of a page statement: up to <paramref name="count"/> matches, whether there are more, and, when the
    /// statement <paramref name="counts"/> (a counting page), the count its rows carry.
    /// </summary>
    private async Task<(List<StoredResource> Matches, List<object[]> Anchors, bool More, long? Counted)> ReadPageAsync(
        DbConnection connection, CompiledSearch compiled, string sql, bool counts, int count, CancellationToken ct)
    {
        var matches = new List<StoredResource>();
        var anchors = new List<object[]>();
        long? counted = counts ? 0 : null;
        await using var page = Command(connection, null, sql, compiled.Parameters);
        await using var reader = await page.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (counts) counted = Convert.ToInt64(reader.GetValue(6 + compiled.Keys.Count));
            if (matches.Count == count) return (matches, anchors, true, counted);
            matches.Add(Materialize(reader, 0));
            var keys = new object[compiled.Keys.Count];
            for (var k = 0; k < keys.Length; k++) keys[k] = reader.GetValue(6 + k);
            anchors.Add(keys);
        }
        return (matches, anchors, false, counted);
    }

    private static async Task<long> CountAsync(DbConnection connection, CompiledSearch compiled, CancellationToken ct)
    {
        await using var count = Command(connection, null, compiled.CountSql, compiled.Parameters);
        return Convert.ToInt64(await count.ExecuteScalarAsync(ct));
    }

    internal static DbCommand CommandFor(DbConnection connection, string sql, SqlParameters parameters) => Command(connection, null, sql, parameters);

    public async Task<long> ReindexAsync(string? resourceType = null, CancellationToken ct = default)
    {
        long done = 0;
        string afterType = "", afterId = "";
        while (true)
        {
            var batch = new List<StoredResource>();
            await using (var connection = await dialect.OpenAsync(ct))
            await using (var cmd = Command(connection, null, dialect.ReindexBatch,
                ("@t", resourceType ?? ""), ("@after_t", afterType), ("@after_i", afterId), ("@n", 200)))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) batch.Add(Materialize(reader, 0));
            }
            if (batch.Count == 0) return done;

            await using (var connection = await dialect.OpenAsync(ct))
            await using (var tx = await dialect.BeginWriteAsync(connection, ct))
            {
                foreach (var r in batch)
                {
                    if (r.Json is null) continue;
                    var parsed = FhirJsonParser.Parse(r.Json);
                    if (parsed.Resource is null) continue;
                    // the batch was read outside this transaction: only reindex what is still the current version
                    await using (var check = Command(connection, tx, dialect.SelectCurrentForWrite, ("@t", r.ResourceType), ("@i", r.Id)))
                    {
                        var current = await check.ExecuteScalarAsync(ct);
                        if (current is null || Convert.ToInt64(current) != r.VersionId) continue;
                    }
                    await ReplaceIndexRowsAsync(connection, tx, r.ResourceType, r.Id, r.VersionId, indexer.Extract(parsed.Resource), deleteOld: true, ct);
                    done++;
                }
                await tx.CommitAsync(ct);
            }
            afterType = batch[^1].ResourceType;
            afterId = batch[^1].Id;
        }
    }

    // ---------------- ADO.NET helpers ----------------

    private static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        // a read on a write scope's connection joins the scope's transaction (SQLite requires it to be named)
        cmd.Transaction = tx ?? ScopeTransactions.Of(connection);
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) AddParameter(cmd, name, value);
        return cmd;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, SqlParameters parameters)
    {
        var cmd = connection.CreateCommand();
        // a read on a write scope's connection joins the scope's transaction (SQLite requires it to be named)
        cmd.Transaction = tx ?? ScopeTransactions.Of(connection);
        cmd.CommandText = sql;
        // a statement may use a subset of the collected values (a count query leaves out the paging ones)
        var used = Placeholder().Matches(sql).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in parameters.Values)
            if (used.Contains(name)) AddParameter(cmd, name, value);
        return cmd;
    }

    /// <summary>Takes the dialect's transaction-scoped lock on <paramref name="key"/>; nothing where writers are serialized anyway.</summary>
    internal async Task LockKeyAsync(DbConnection connection, DbTransaction tx, string key, CancellationToken ct)
    {
        if (dialect.KeyLock is not { } sql) return;
        // 64 bits of the key's SHA-256: a collision only makes two unrelated writes wait for each other
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key));
        await Execute(connection, tx, sql, ct, ("@k", BitConverter.ToInt64(hash, 0)));
    }

    private static async Task Execute(DbConnection connection, DbTransaction tx, string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var cmd = Command(connection, tx, sql, parameters);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    internal static void AddParameter(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"@\w+")]
    private static partial System.Text.RegularExpressions.Regex Placeholder();

    public ValueTask DisposeAsync() => dialect.DisposeAsync();
}
