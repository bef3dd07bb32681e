using System.Data.Common;
using Npgsql;

namespace Shifo.Storage.Postgres;

/// <summary>
/// Npgsql settings Shifo's workload wants unless the connection string says otherwise. Every request runs the same
/// few statements on a pooled connection, so they are prepared on the server after a few uses (Max Auto Prepare),
/// and a connection going back to the pool is not reset (No Reset On Close): the reset would cost a statement per
/// request and drop those prepared statements, and Shifo keeps no session state (its only lock is transaction-scoped).
/// Together they more than doubled reads by id per second against the defaults (see bench/README.md).
/// </summary>
public static class PostgresConnectionDefaults
{
    public static string Apply(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var keys = given.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet();
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!keys.Contains("maxautoprepare")) settings.MaxAutoPrepare = 64;
        if (!keys.Contains("noresetonclose")) settings.NoResetOnClose = true;
        return settings.ConnectionString;
    }
}
