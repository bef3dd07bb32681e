using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Shifo.Storage.Relational;

namespace Shifo.Storage.Postgres;

/// <summary>
/// PostgreSQL, for production: one pooled data source, read-committed transactions with the current-version row
/// locked FOR UPDATE during a write, an advisory lock around migrations so that several nodes can start at once.
/// Same columns as SQLite: times as Unix milliseconds (bigint), resource JSON as bytea.
/// </summary>
public sealed partial class PostgresDialect(string connectionString) : SqlDialect
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(PostgresConnectionDefaults.Apply(connectionString));
    private readonly NpgsqlConnectionStringBuilder _settings = new(connectionString);

    public override string Name => "PostgreSQL";
    public override string Location => $"{_settings.Host}:{_settings.Port}/{_settings.Database}";

    public override async Task<DbConnection> OpenAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    /// <summary>
    /// Prepared on each pooled connection (Npgsql keeps it across uses), with positional parameters: SQL written with
    /// $1, $2 and unnamed parameters is sent as it is, without Npgsql rewriting the named placeholders on every call.
    /// </summary>
    public override async Task<T> ReadPreparedAsync<T>(string sql, (string Name, object Value)[] parameters,
        Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(_positional.GetOrAdd(sql, Positional, parameters), connection);
        foreach (var (_, value) in parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        await cmd.PrepareAsync(ct);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await read(reader, ct);
    }

    private readonly ConcurrentDictionary<string, string> _positional = new(StringComparer.Ordinal);

    /// <summary>The fixed statement with each @name replaced by $k, k its place in <paramref name="parameters"/>.</summary>
    private static string Positional(string sql, (string Name, object Value)[] parameters) =>
        Placeholder().Replace(sql, m =>
        {
            var k = Array.FindIndex(parameters, p => p.Name == m.Value);
            return k >= 0 ? "$" + (k + 1).ToString(CultureInfo.InvariantCulture) : throw new ArgumentException($"No value for {m.Value}.", nameof(parameters));
        });

    [GeneratedRegex(@"@\w+")]
    private static partial Regex Placeholder();

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(ct);

    public override async Task<bool> CopyRowsAsync(DbConnection connection, string table, IReadOnlyList<string> columns,
        IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        if (!PostgresCopyTypes.TryOf(table, columns, out var types)) return false;
        // COPY runs in the connection's open transaction: rolled back with it
        await using var importer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            $"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            for (var c = 0; c < row.Length; c++)
            {
                if (row[c] is null) await importer.WriteNullAsync(ct);
                else await PostgresCopyTypes.WriteAsync(importer, row[c]!, types[c], ct);
            }
        }
        await importer.CompleteAsync(ct);
        return true;
    }

    // from this many rows a table's COPY (two round trips, streamed) beats its array parameters in the shared batch
    private const int CopyFromRows = 200;

    /// <summary>
    /// The small tables of a write (a transaction Bundle's resources and index rows) in ONE round trip: a batch of
    /// <c>INSERT ... SELECT FROM unnest(arrays)</c>, one per table, prepared once per connection, so that neither
    /// side parses SQL or waits for a reply per table. Large tables (a bulk import's batch) go by COPY.
    /// </summary>
    internal override async Task<bool> InsertTablesAsync(DbConnection connection, DbTransaction tx,
        IReadOnlyList<BatchInsert.TableRows> tables, CancellationToken ct)
    {
        var typed = new List<(BatchInsert.TableRows Table, NpgsqlDbType[] Types)>(tables.Count);
        foreach (var table in tables)
        {
            if (!PostgresCopyTypes.TryOf(table.Table, table.Columns, out var types)) return false;
            typed.Add((table, types));
        }
        await using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction)tx);
        foreach (var (table, types) in typed)
        {
            if (table.Rows.Count >= CopyFromRows)
            {
                await CopyRowsAsync(connection, table.Table, table.Columns, table.Rows, ct);
                continue;
            }
            var command = new NpgsqlBatchCommand(_unnestInserts.GetOrAdd(table.Table, UnnestInsert, (table.Columns, types)));
            for (var c = 0; c < types.Length; c++) command.Parameters.Add(PostgresCopyTypes.ArrayOf(table.Rows, c, types[c]));
            batch.BatchCommands.Add(command);
        }
        if (batch.BatchCommands.Count == 0) return true;
        // a statement already prepared on this physical connection is not sent again
        await batch.PrepareAsync(ct);
        await batch.ExecuteNonQueryAsync(ct);
        return true;
    }

    private readonly ConcurrentDictionary<string, string> _unnestInserts = new(StringComparer.Ordinal);

    private static string UnnestInsert(string table, (IReadOnlyList<string> Columns, NpgsqlDbType[] Types) shape) =>
        $"INSERT INTO {table} ({string.Join(", ", shape.Columns)}) SELECT * FROM unnest(" +
        string.Join(", ", shape.Types.Select((t, i) => $"${i + 1}::{PostgresCopyTypes.SqlName(t)}[]")) + ")";

    public override string? KeyLock => "SELECT pg_advisory_xact_lock(@k)";

    public override string? AnnounceChange => "SELECT pg_notify(@c, @p)";

    /// <summary>The connection string as configured, for a connection of its own outside the pool (the change listener).</summary>
    internal string ConnectionString => _settings.ConnectionString;

    public override bool IsUniqueViolation(Exception ex) => ex is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override string CreateSchemaVersionTable =>
        "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at bigint NOT NULL)";

    // an arbitrary constant naming Shifo's migration lock
    public override string? MigrationLock => "SELECT pg_advisory_xact_lock(74630011)";

    public override IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "resources, versions and search index tables",
        [
            """
            CREATE TABLE resource (
                res_type text NOT NULL, res_id text NOT NULL, version_id bigint NOT NULL,
                last_updated bigint NOT NULL, is_deleted boolean NOT NULL,
                PRIMARY KEY (res_type, res_id))
            """,
            "CREATE INDEX resource_updated ON resource (res_type, last_updated)",
            """
            CREATE TABLE resource_version (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                res_type text NOT NULL, res_id text NOT NULL, version_id bigint NOT NULL,
                last_updated bigint NOT NULL, superseded bigint NULL, change smallint NOT NULL, json bytea NULL,
                UNIQUE (res_type, res_id, version_id))
            """,
            "CREATE INDEX resource_version_type ON resource_version (res_type, seq)",
            .. IndexTableDdl("idx_string", "value_norm text NOT NULL, value_exact text NOT NULL", "param, value_norm text_pattern_ops"),
            .. IndexTableDdl("idx_token", "system text NULL, code text NULL, text_norm text NULL", "param, code, system"),
            .. IndexTableDdl("idx_reference",
                "target_type text NULL, target_id text NULL, target_version text NULL, url text NULL, ident_system text NULL, ident_value text NULL",
                "param, target_id, target_type"),
            .. IndexTableDdl("idx_date", "low bigint NOT NULL, high bigint NOT NULL", "param, low, high"),
            .. IndexTableDdl("idx_number", "value double precision NOT NULL, low double precision NOT NULL, high double precision NOT NULL", "param, value"),
            .. IndexTableDdl("idx_quantity",
                "system text NULL, code text NULL, value double precision NULL, low double precision NOT NULL, high double precision NOT NULL, norm_code text NULL, norm_value double precision NULL, norm_low double precision NULL, norm_high double precision NULL",
                "param, code, value"),
            .. IndexTableDdl("idx_uri", "uri text NOT NULL", "param, uri"),
        ]),
        // identifier types for :of-type (existing rows get them on reindex); indexes for :exact and canonical-unit quantities
        new(2, "search: identifier type columns, exact-string and canonical-quantity indexes",
        [
            "ALTER TABLE idx_token ADD COLUMN type_system text NULL",
            "ALTER TABLE idx_token ADD COLUMN type_code text NULL",
            "CREATE INDEX idx_string_exact ON idx_string (res_type, param, value_exact)",
            "CREATE INDEX idx_quantity_norm ON idx_quantity (res_type, param, norm_code, norm_value)",
        ]),
        Jobs.JobSchema.Migration(3),
        Accounts.AccountSchema.Migration(4),
    ];

    private static string[] IndexTableDdl(string table, string valueColumns, string searchKey) =>
    [
        $"""
        CREATE TABLE {table} (
            res_type text NOT NULL, res_id text NOT NULL, version_id bigint NOT NULL,
            param text NOT NULL, grp integer NULL, comp integer NULL, {valueColumns})
        """,
        $"CREATE INDEX {table}_res ON {table} (res_type, res_id)",
        $"CREATE INDEX {table}_search ON {table} (res_type, {searchKey})",
    ];

    public override string SelectCurrentForWrite =>
        "SELECT version_id, last_updated, is_deleted FROM resource WHERE res_type = @t AND res_id = @i FOR UPDATE";

    public override string InsertVersion =>
        "INSERT INTO resource_version (res_type, res_id, version_id, last_updated, change, json) VALUES (@t, @i, @v, @u, @c, @j)";

    public override string SupersedeVersion =>
        "UPDATE resource_version SET superseded = @u WHERE res_type = @t AND res_id = @i AND version_id = @v";

    public override string UpsertCurrent => """
        INSERT INTO resource (res_type, res_id, version_id, last_updated, is_deleted) VALUES (@t, @i, @v, @u, @d)
        ON CONFLICT (res_type, res_id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated, is_deleted = excluded.is_deleted
        """;

    // the current version is the highest: one descent of resource_version's (res_type, res_id, version_id) index, read
    // backwards, instead of a join through resource (whose version_id always names that same row)
    public override string ReadCurrent => """
        SELECT res_type, res_id, version_id, last_updated, change, json
        FROM resource_version WHERE res_type = @t AND res_id = @i ORDER BY version_id DESC LIMIT 1
        """;

    public override string ReadVersion => """
        SELECT res_type, res_id, version_id, last_updated, change, json
        FROM resource_version WHERE res_type = @t AND res_id = @i AND version_id = @v
        """;

    public override string DeleteIndexRows(string table) => $"DELETE FROM {table} WHERE res_type = @t AND res_id = @i";

    public override string ReindexBatch => """
        SELECT v.res_type, v.res_id, v.version_id, v.last_updated, v.change, v.json
        FROM resource r JOIN resource_version v ON v.res_type = r.res_type AND v.res_id = r.res_id AND v.version_id = r.version_id
        WHERE NOT r.is_deleted AND (@t = '' OR r.res_type = @t) AND (r.res_type > @after_t OR (r.res_type = @after_t AND r.res_id > @after_i))
        ORDER BY r.res_type, r.res_id LIMIT @n
        """;

    // a subquery with OFFSET is never pulled up into a join, so the EXISTS stays a SubPlan run per outer row
    public override string ProbeFence => " OFFSET 0";

    // the key inside a fenced subquery: PostgreSQL would otherwise pick the (res_type, param, code) index when it
    // under-estimates a common code, and scan all its rows for each probe
    public override string IndexRowsOf(string table, string alias, string type, string resId) =>
        $"(SELECT * FROM {table} WHERE res_type = {type} AND res_id = {resId} OFFSET 0) {alias}";

    public override string ComputeOnceFence => " OFFSET 0";

    // a text[] parameter: one plan whatever the number of ids
    public override string AnyOf(string column, IReadOnlyCollection<string> values, Search.SqlParameters p) =>
        $"{column} = ANY({p.Add(values.ToArray())})";

    /// <summary>_total=estimate: the planner's row estimate for the count's input, from EXPLAIN, without counting.</summary>
    public override async Task<long?> EstimateRowsAsync(DbConnection connection, DbCommand select, CancellationToken ct)
    {
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN (FORMAT JSON) " + select.CommandText.Replace("SELECT COUNT(*)", "SELECT 1", StringComparison.Ordinal);
        foreach (DbParameter p in select.Parameters)
        {
            var copy = explain.CreateParameter();
            copy.ParameterName = p.ParameterName;
            copy.Value = p.Value;
            explain.Parameters.Add(copy);
        }
        if (await explain.ExecuteScalarAsync(ct) is not string plan) return null;
        using var doc = System.Text.Json.JsonDocument.Parse(plan);
        return (long)doc.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
