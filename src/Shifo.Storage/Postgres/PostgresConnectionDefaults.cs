using System.Data.Common;
using Npgsql;

namespace Shifo.Storage.Postgres;

/// <summary>
/// Npgsql settings Shifo's workload wants unless the connection string says otherwise: a connection going back to
/// the pool is not reset (No Reset On Close), which would cost a statement per request; Shifo keeps no session state
/// (its only lock is transaction-scoped). Automatic preparation (Max Auto Prepare) stays off on purpose: PostgreSQL
/// would soon run prepared search SQL with a generic plan that ignores the searched values' frequencies (a plan
/// fit for a rare code, used for "vital-signs"), measured 100 times slower; the store prepares its fixed statements itself.
/// </summary>
public static class PostgresConnectionDefaults
{
    public static string Apply(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var keys = given.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet();
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!keys.Contains("noresetonclose")) settings.NoResetOnClose = true;
        return settings.ConnectionString;
    }
}
