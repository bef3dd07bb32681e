using System.Data.Common;
using Shifo.Server.Tests.Fixtures;
using Shifo.Storage.Indexing;
using Shifo.Storage.Postgres;
using Shifo.Storage.Relational;
using Shifo.Storage.Sqlite;

namespace Shifo.Server.Tests.Bulk;

/// <summary>
/// What the kill -9 tests share: a throwaway store of each kind with the settings a server process needs to open it,
/// fixed test queries run against it from outside the server, and the check that no index row outlives its version.
/// </summary>
internal static class CrashStores
{
    /// <summary>The test's work on a fresh SQLite file in its own folder, removed afterwards.</summary>
    public static Task OnSqliteAsync(string prefix, Func<string, Dictionary<string, string>, Func<SqlDialect>, Task> run) =>
        InFolderAsync(prefix, dir =>
        {
            var db = Path.Combine(dir, "data", "shifo.db");
            return run(dir, new Dictionary<string, string> { ["Store:Provider"] = "sqlite", ["Store:SqlitePath"] = db }, () => new SqliteDialect(db));
        });

    /// <summary>The test's work on a database of a throwaway PostgreSQL cluster, both removed afterwards.</summary>
    public static async Task OnPostgresAsync(string prefix, Func<string, Dictionary<string, string>, Func<SqlDialect>, Task> run)
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await cluster.CreateDatabaseAsync(prefix);
        var cs = cluster.ConnectionString(prefix);
        await InFolderAsync(prefix, dir =>
            run(dir, new Dictionary<string, string> { ["Store:Provider"] = "postgres", ["Store:PostgresConnectionString"] = cs }, () => new PostgresDialect(cs)));
    }

    private static async Task InFolderAsync(string prefix, Func<string, Task> run)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"shifo-{prefix}-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        try { await run(dir); }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>A fixed test query (no input in it) against the store's database, outside the server.</summary>
    public static async Task<long> ScalarAsync(Func<SqlDialect> dialect, string sql)
    {
        await using var d = dialect();
        await using var connection = await d.OpenAsync(CancellationToken.None);
        await using DbCommand cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>No index row of a resource (or of a version) that is not current.</summary>
    public static async Task AssertIndexRowsCurrentAsync(Func<SqlDialect> dialect)
    {
        foreach (var table in IndexTable.All)
            Assert.Equal(0, await ScalarAsync(dialect,
                $"SELECT COUNT(*) FROM {table.Name} t WHERE NOT EXISTS (SELECT 1 FROM resource r WHERE r.res_type = t.res_type AND r.res_id = t.res_id AND r.version_id = t.version_id)"));
    }
}
