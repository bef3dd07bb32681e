using System.Data.Common;

namespace Shifo.Storage.Relational;

/// <summary>
/// Brings the schema to the dialect's latest version at start-up: each pending migration runs in its own
/// transaction together with its schema_version row, so a failed step leaves the previous version intact.
/// </summary>
internal sealed class SchemaMigrator(SqlDialect dialect)
{
    public async Task MigrateAsync(CancellationToken ct)
    {
        await dialect.PrepareAsync(ct);
        await using var connection = await dialect.OpenAsync(ct);
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = dialect.CreateSchemaVersionTable;
            await create.ExecuteNonQueryAsync(ct);
        }
        foreach (var migration in dialect.Migrations.OrderBy(m => m.Version))
        {
            await using var tx = await dialect.BeginWriteAsync(connection, ct);
            if (dialect.MigrationLock is { } lockSql) await ExecuteAsync(connection, tx, lockSql, ct);
            // read inside the transaction: another node may have applied it meanwhile
            if (await CurrentVersionAsync(connection, tx, ct) >= migration.Version)
            {
                await tx.RollbackAsync(ct);
                continue;
            }
            foreach (var statement in migration.Statements) await ExecuteAsync(connection, tx, statement, ct);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = tx;
                record.CommandText = "INSERT INTO schema_version (version, description, applied_at) VALUES (@v, @d, @a)";
                RelationalResourceStore.AddParameter(record, "@v", migration.Version);
                RelationalResourceStore.AddParameter(record, "@d", migration.Description);
                RelationalResourceStore.AddParameter(record, "@a", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                await record.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
    }

    public static async Task<int> CurrentVersionAsync(DbConnection connection, DbTransaction? tx, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct));
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
