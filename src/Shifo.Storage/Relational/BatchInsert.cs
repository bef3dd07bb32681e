using System.Data.Common;
using System.Text;
using Shifo.Storage.Indexing;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Storage.Relational;

/// <summary>
/// The INSERTs of many new resources at once (versions, current rows, index rows), written the way the dialect does
/// best: its bulk path where it has one (<see cref="SqlDialect.CopyRowsAsync"/>, PostgreSQL binary COPY), else one
/// prepared single-row statement per table executed once per row (<see cref="SqlDialect.InsertsRowByRow"/>, SQLite),
/// else multi-row statements chunked under the parameter limit. A bulk load then costs a few
/// statements per batch instead of several per resource.
/// </summary>
internal static class BatchInsert
{
    /// <summary>The rows of one table, every row holding a value per column.</summary>
    public sealed record TableRows(string Table, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);

    private static IEnumerable<TableRows> Of(IReadOnlyList<StoredResource> resources, IEnumerable<(StoredResource Resource, IndexRow Row)> indexRows)
    {
        yield return new TableRows("resource_version", ["res_type", "res_id", "version_id", "last_updated", "change", "json"],
            resources.Select(r => new object?[] { r.ResourceType, r.Id, r.VersionId, r.LastUpdated.ToUnixTimeMilliseconds(), (int)r.Change, r.Json }).ToList());
        yield return new TableRows("resource", ["res_type", "res_id", "version_id", "last_updated", "is_deleted"],
            resources.Select(r => new object?[] { r.ResourceType, r.Id, r.VersionId, r.LastUpdated.ToUnixTimeMilliseconds(), false }).ToList());
        foreach (var group in indexRows.GroupBy(r => r.Row.Table))
            yield return new TableRows(group.Key.Name, [.. IndexTable.KeyColumns, .. group.Key.ValueColumns],
                group.Select(x => IndexValues(x.Resource.ResourceType, x.Resource.Id, x.Resource.VersionId, x.Row)).ToList());
    }

    /// <summary>The index rows of one resource version (a single write).</summary>
    public static IEnumerable<TableRows> Indexes(string type, string id, long version, IReadOnlyList<IndexRow> rows) =>
        rows.GroupBy(r => r.Table).Select(group => new TableRows(group.Key.Name, [.. IndexTable.KeyColumns, .. group.Key.ValueColumns],
            group.Select(r => IndexValues(type, id, version, r)).ToList()));

    private static object?[] IndexValues(string type, string id, long version, IndexRow row) =>
        [type, id, version, row.Param, row.Group, row.Component, .. row.Values];

    // below this a COPY's extra protocol exchange costs more than the one multi-row statement it replaces (a single write's few index rows)
    private const int CopyMinimumRows = 32;

    /// <summary>Writes resources whose ids are new to the store, and their index rows.</summary>
    public static Task WriteAsync(SqlDialect dialect, DbConnection connection, DbTransaction tx,
        IReadOnlyList<StoredResource> resources, IEnumerable<(StoredResource Resource, IndexRow Row)> rows, CancellationToken ct) =>
        ExecuteAsync(connection, tx, dialect, Of(resources, rows), ct);

    /// <summary>Inserts every row of <paramref name="tables"/> inside the caller's transaction.</summary>
    public static async Task ExecuteAsync(DbConnection connection, DbTransaction tx, SqlDialect dialect, IEnumerable<TableRows> tables, CancellationToken ct)
    {
        var nonEmpty = tables.Where(t => t.Rows.Count > 0).ToList();
        if (await dialect.InsertTablesAsync(connection, tx, nonEmpty, ct)) return;
        foreach (var table in nonEmpty)
        {
            if (table.Rows.Count >= CopyMinimumRows && await dialect.CopyRowsAsync(connection, table.Table, table.Columns, table.Rows, ct)) continue;
            if (dialect.InsertsRowByRow) await RowByRowAsync(connection, tx, table, ct);
            else
                foreach (var (sql, parameters) in MultiRow(table, dialect.MaxInsertParameters))
                {
                    await using var cmd = connection.CreateCommand();
                    cmd.Transaction = tx;
                    cmd.CommandText = sql;
                    foreach (var (name, value) in parameters.Values) RelationalResourceStore.AddParameter(cmd, name, value);
                    await cmd.ExecuteNonQueryAsync(ct);
                }
        }
    }

    /// <summary>One statement, parsed once and bound again for each row: no SQL text to parse per row or per chunk.</summary>
    private static async Task RowByRowAsync(DbConnection connection, DbTransaction tx, TableRows table, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        var p = new SqlParameters();
        cmd.CommandText = new StringBuilder("INSERT INTO ").Append(table.Table).Append(" (").AppendJoin(", ", table.Columns).Append(") VALUES (")
            .AppendJoin(", ", table.Columns.Select(_ => p.Add(null))).Append(')').ToString();
        var parameters = new DbParameter[table.Columns.Count];
        for (var c = 0; c < parameters.Length; c++)
        {
            parameters[c] = cmd.CreateParameter();
            parameters[c].ParameterName = p.Values[c].Key;
            cmd.Parameters.Add(parameters[c]);
        }
        foreach (var row in table.Rows)
        {
            for (var c = 0; c < parameters.Length; c++) parameters[c].Value = row[c] ?? DBNull.Value;
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private static IEnumerable<(string Sql, SqlParameters Parameters)> MultiRow(TableRows table, int maxParameters)
    {
        foreach (var chunk in table.Rows.Chunk(Math.Max(1, maxParameters / table.Columns.Count)))
        {
            var p = new SqlParameters();
            var sql = new StringBuilder("INSERT INTO ").Append(table.Table).Append(" (").AppendJoin(", ", table.Columns).Append(") VALUES ");
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "(" : ", (");
                var row = chunk[i];
                for (var c = 0; c < row.Length; c++) sql.Append(c == 0 ? "" : ", ").Append(p.Add(row[c]));
                sql.Append(')');
            }
            yield return (sql.ToString(), p);
        }
    }
}
