using System.Data.Common;

namespace Shifo.Storage.Relational;

/// <summary>A schema step: applied once, in order, in one transaction, and recorded in schema_version.</summary>
public sealed record Migration(int Version, string Description, IReadOnlyList<string> Statements);

/// <summary>
/// Everything that differs between SQLite and PostgreSQL: connections, transactions, error codes, DDL and the fixed
/// statements of the store. Each dialect spells out its own SQL; <see cref="RelationalResourceStore"/> holds the
/// logic once. Placeholders are @name in both. Dynamic statements (multi-row index inserts, history and search
/// filters) are built by shared code from standard SQL that both accept.
/// </summary>
public abstract class SqlDialect : IAsyncDisposable
{
    /// <summary>"SQLite" or "PostgreSQL".</summary>
    public abstract string Name { get; }

    /// <summary>Where the data lives, for people (no password): a file path, or host, port and database.</summary>
    public abstract string Location { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>Starts a write transaction that takes the write lock at once (SQLite: BEGIN IMMEDIATE).</summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct);

    public abstract bool IsUniqueViolation(Exception ex);

    /// <summary>
    /// Most parameters one multi-row INSERT gets. Microsoft.Data.Sqlite binds each named parameter by a linear search
    /// of the statement's names (and SQLite's parser checks each new name the same way), so long statements cost
    /// quadratic time there; PostgreSQL gains from fewer, longer ones.
    /// </summary>
    public virtual int MaxInsertParameters => 4000;

    /// <summary>
    /// Whether batches insert one row per execution of a statement prepared once per table (in-process SQLite: no
    /// round trip per row, and no SQL text to parse per statement), rather than multi-row statements (PostgreSQL).
    /// </summary>
    public virtual bool InsertsRowByRow => false;

    /// <summary>
    /// Writes many rows into one table faster than multi-row INSERTs can (PostgreSQL: binary COPY, no statement to
    /// parse or plan per row); false where the dialect has no such path and the caller falls back to INSERTs.
    /// </summary>
    public virtual Task<bool> CopyRowsAsync(DbConnection connection, string table, IReadOnlyList<string> columns,
        IReadOnlyList<object?[]> rows, CancellationToken ct) => Task.FromResult(false);

    /// <summary>
    /// Inserts the rows of several tables in one go where the dialect can (PostgreSQL: one round trip of prepared
    /// statements, one per table); false where it cannot, and the caller writes table by table.
    /// </summary>
    internal virtual Task<bool> InsertTablesAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<BatchInsert.TableRows> tables,
        CancellationToken ct) => Task.FromResult(false);

    /// <summary>SQL taking a transaction-scoped lock on the 64-bit key @k; null where write transactions are serialized anyway.</summary>
    public virtual string? KeyLock => null;

    /// <summary>
    /// Whether write transactions on different rows do their work at the same time (PostgreSQL's row locks), rather than
    /// each waiting at its BEGIN for the one before to end (SQLite's single writer): exactly where a key lock is needed.
    /// </summary>
    public bool ConcurrentWriters => KeyLock is not null;

    /// <summary>
    /// Announces changed resources to the other nodes' read caches, run inside the writing transaction with @c (channel)
    /// and @p (payload) so that it is delivered on commit only; null where no other node can share the database.
    /// </summary>
    public virtual string? AnnounceChange => null;

    /// <summary>Settings that must be made outside any transaction before the schema is touched (SQLite: WAL).</summary>
    public virtual Task PrepareAsync(CancellationToken ct) => Task.CompletedTask;

    public abstract string CreateSchemaVersionTable { get; }

    /// <summary>Serializes concurrent migrations from several nodes, run inside the migration transaction; null if the write transaction already does.</summary>
    public abstract string? MigrationLock { get; }

    public abstract IReadOnlyList<Migration> Migrations { get; }

    // ---- fixed statements ----

    /// <summary>@t, @i → version_id, last_updated, is_deleted of the current version, locking the row for this transaction.</summary>
    public abstract string SelectCurrentForWrite { get; }

    /// <summary>@t, @i, @v, @u, @c, @j → a new row in resource_version.</summary>
    public abstract string InsertVersion { get; }

    /// <summary>@t, @i, @v, @u → marks version @v as replaced at @u.</summary>
    public abstract string SupersedeVersion { get; }

    /// <summary>@t, @i, @v, @u, @d → insert or update the current-version row.</summary>
    public abstract string UpsertCurrent { get; }

    /// <summary>@t, @i → the current version (res_type, res_id, version_id, last_updated, change, json).</summary>
    public abstract string ReadCurrent { get; }

    /// <summary>@t, @i, @v → one version, same columns.</summary>
    public abstract string ReadVersion { get; }

    /// <summary>
    /// Runs one of the fixed read statements (<see cref="ReadCurrent"/>, <see cref="ReadVersion"/>) outside any
    /// transaction, on a connection that keeps it prepared: the hottest statements of the server, a primary-key
    /// lookup with the same plan for every value. Default: a pooled connection and an explicitly prepared command.
    /// </summary>
    public virtual async Task<T> ReadPreparedAsync<T>(string sql, (string Name, object Value)[] parameters,
        Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) RelationalResourceStore.AddParameter(cmd, name, value);
        await cmd.PrepareAsync(ct);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await read(reader, ct);
    }

    /// <summary>@t, @i → delete the index rows of a resource in one index table.</summary>
    public abstract string DeleteIndexRows(string table);

    /// <summary>@t (may be null for all types), @after_t, @after_i, @n → a batch of current resources for reindexing, in key order.</summary>
    public abstract string ReindexBatch { get; }

    // ---- search ----

    /// <summary>
    /// A condition that <paramref name="column"/> starts with <paramref name="prefix"/>, written so that the
    /// dialect's index on the column serves it. Default: LIKE with % and _ escaped (PostgreSQL's text_pattern_ops index).
    /// </summary>
    public virtual string StartsWith(string column, string prefix, Search.SqlParameters p) =>
        $"{column} LIKE {p.Add(EscapeLike(prefix) + "%")} ESCAPE '\\'";

    /// <summary>A condition that <paramref name="column"/> contains <paramref name="text"/> anywhere (a scan of the parameter's rows).</summary>
    public string Contains(string column, string text, Search.SqlParameters p) =>
        $"{column} LIKE {p.Add("%" + EscapeLike(text) + "%")} ESCAPE '\\'";

    public static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    /// <summary>
    /// Appended inside a correlated EXISTS probe to keep it a per-row check: without it the planner may turn the probe
    /// into a join and start from the probed index (PostgreSQL under-estimates common codes), scanning all its rows.
    /// </summary>
    public virtual string ProbeFence => "";

    /// <summary>
    /// A FROM item named <paramref name="alias"/>: the rows of index table <paramref name="table"/> of one resource
    /// (<paramref name="type"/>, <paramref name="resId"/>), read through the table's (res_type, res_id) index whatever
    /// the other conditions on them; the caller repeats the key in its WHERE. Default (SQLite): INDEXED BY that index.
    /// </summary>
    public virtual string IndexRowsOf(string table, string alias, string type, string resId) => $"{table} {alias} INDEXED BY {table}_res";

    /// <summary>
    /// Appended to a derived table whose computed columns are used more than once (a sort value in its null flag and
    /// its value) so that the planner computes them once per row instead of inlining the subquery into each use.
    /// Default (SQLite): LIMIT -1, which keeps it from being flattened into a query that has a LIMIT of its own.
    /// </summary>
    public virtual string ComputeOnceFence => " LIMIT -1";

    /// <summary>
    /// A condition that <paramref name="column"/> is one of <paramref name="values"/>, as one parameter whatever their
    /// number (one statement for a whole page of ids, no chunking). Default (SQLite): the values as a JSON array read by json_each.
    /// </summary>
    public virtual string AnyOf(string column, IReadOnlyCollection<string> values, Search.SqlParameters p) =>
        $"{column} IN (SELECT value FROM json_each({p.Add(System.Text.Json.JsonSerializer.Serialize(values))}))";

    /// <summary>An estimated row count of a SELECT, or null when the dialect has no cheaper way than counting.</summary>
    public virtual Task<long?> EstimateRowsAsync(DbConnection connection, DbCommand select, CancellationToken ct) => Task.FromResult<long?>(null);

    public abstract ValueTask DisposeAsync();
}
