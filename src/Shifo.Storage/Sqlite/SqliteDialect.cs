using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Shifo.Storage.Relational;

namespace Shifo.Storage.Sqlite;

/// <summary>
/// SQLite, the embedded default: one database file, WAL journal (readers never wait for the writer), writes
/// serialized by BEGIN IMMEDIATE, and a busy timeout so that concurrent writers wait rather than fail.
/// Times are Unix milliseconds, booleans 0/1, resource JSON a BLOB.
/// </summary>
public sealed class SqliteDialect : SqlDialect
{
    private readonly string _connectionString;
    private readonly string _path;
    private readonly SqliteReadConnections _reads;

    public SqliteDialect(string path, int busyTimeoutSeconds = 30)
    {
        _path = Path.GetFullPath(path);
        // Default Timeout is also how long Microsoft.Data.Sqlite retries a busy database
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = busyTimeoutSeconds,
        }.ToString();
        // enough idle readers for the requests in flight on a small machine; more are opened (and closed) on demand
        _reads = new SqliteReadConnections(_connectionString, maxIdle: Math.Max(8, 4 * Environment.ProcessorCount));
    }

    public override string Name => "SQLite";
    public override string Location => _path;

    public override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    public override int MaxInsertParameters => 64;

    public override async Task<T> ReadPreparedAsync<T>(string sql, (string Name, object Value)[] parameters,
        Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var connection = _reads.Rent();
        var reusable = false;
        try
        {
            T result;
            // disposing the reader resets the statement, which ends its read snapshot
            await using (var reader = connection.Bind(sql, parameters).ExecuteReader())
                result = await read(reader, ct);
            reusable = true;
            return result;
        }
        finally
        {
            // after a failure the connection's state is unknown: close it rather than hand it to the next read
            if (reusable) _reads.Return(connection);
            else connection.Dispose();
        }
    }

    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        // deferred: false → BEGIN IMMEDIATE: take the write lock now, not at the first write (no upgrade deadlocks)
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: false));

    public override bool IsUniqueViolation(Exception ex) =>
        ex is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 1555 or 2067 };

    public override async Task PrepareAsync(CancellationToken ct)
    {
        if (Path.GetDirectoryName(_path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        await using var connection = await OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        // WAL is a property of the file: set once, it stays
        cmd.CommandText = "PRAGMA journal_mode=WAL;";
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public override string CreateSchemaVersionTable =>
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)";

    public override string? MigrationLock => null;

    public override IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "resources, versions and search index tables",
        [
            """
            CREATE TABLE resource (
                res_type TEXT NOT NULL, res_id TEXT NOT NULL, version_id INTEGER NOT NULL,
                last_updated INTEGER NOT NULL, is_deleted INTEGER NOT NULL,
                PRIMARY KEY (res_type, res_id)) WITHOUT ROWID
            """,
            "CREATE INDEX resource_updated ON resource (res_type, last_updated)",
            """
            CREATE TABLE resource_version (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                res_type TEXT NOT NULL, res_id TEXT NOT NULL, version_id INTEGER NOT NULL,
                last_updated INTEGER NOT NULL, superseded INTEGER NULL, change INTEGER NOT NULL, json BLOB NULL,
                UNIQUE (res_type, res_id, version_id))
            """,
            "CREATE INDEX resource_version_type ON resource_version (res_type, seq)",
            .. IndexTableDdl("idx_string", "value_norm TEXT NOT NULL, value_exact TEXT NOT NULL", "param, value_norm"),
            .. IndexTableDdl("idx_token", "system TEXT NULL, code TEXT NULL, text_norm TEXT NULL", "param, code, system"),
            .. IndexTableDdl("idx_reference",
                "target_type TEXT NULL, target_id TEXT NULL, target_version TEXT NULL, url TEXT NULL, ident_system TEXT NULL, ident_value TEXT NULL",
                "param, target_id, target_type"),
            .. IndexTableDdl("idx_date", "low INTEGER NOT NULL, high INTEGER NOT NULL", "param, low, high"),
            .. IndexTableDdl("idx_number", "value REAL NOT NULL, low REAL NOT NULL, high REAL NOT NULL", "param, value"),
            .. IndexTableDdl("idx_quantity",
                "system TEXT NULL, code TEXT NULL, value REAL NULL, low REAL NOT NULL, high REAL NOT NULL, norm_code TEXT NULL, norm_value REAL NULL, norm_low REAL NULL, norm_high REAL NULL",
                "param, code, value"),
            .. IndexTableDdl("idx_uri", "uri TEXT NOT NULL", "param, uri"),
        ]),
        // identifier types for :of-type (existing rows get them on reindex); indexes for :exact and canonical-unit quantities
        new(2, "search: identifier type columns, exact-string and canonical-quantity indexes",
        [
            "ALTER TABLE idx_token ADD COLUMN type_system TEXT NULL",
            "ALTER TABLE idx_token ADD COLUMN type_code TEXT NULL",
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
            res_type TEXT NOT NULL, res_id TEXT NOT NULL, version_id INTEGER NOT NULL,
            param TEXT NOT NULL, grp INTEGER NULL, comp INTEGER NULL, {valueColumns})
        """,
        $"CREATE INDEX {table}_res ON {table} (res_type, res_id)",
        $"CREATE INDEX {table}_search ON {table} (res_type, {searchKey})",
    ];

    public override string SelectCurrentForWrite =>
        "SELECT version_id, last_updated, is_deleted FROM resource WHERE res_type = @t AND res_id = @i";

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
        WHERE r.is_deleted = 0 AND (@t = '' OR r.res_type = @t) AND (r.res_type > @after_t OR (r.res_type = @after_t AND r.res_id > @after_i))
        ORDER BY r.res_type, r.res_id LIMIT @n
        """;

    /// <summary>
    /// SQLite's LIKE ignores case and so cannot use a BINARY index; a range on the (already normalized) text can:
    /// every string starting with the prefix sorts between it and the prefix followed by the largest code point.
    /// </summary>
    public override string StartsWith(string column, string prefix, Search.SqlParameters p) =>
        prefix.Length == 0 ? $"{column} IS NOT NULL" : $"({column} >= {p.Add(prefix)} AND {column} < {p.Add(prefix + "\U0010FFFF")})";

    public override ValueTask DisposeAsync()
    {
        // release the pooled handles so the file can be moved or deleted
        _reads.Dispose();
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}
