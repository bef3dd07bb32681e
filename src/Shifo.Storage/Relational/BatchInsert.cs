using System.Data.Common;
using System.Text;
using Shifo.Storage.Indexing;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Storage.Relational;

/// <summary>
/// Many new resources at once (versions, current rows, index rows): by the dialect's bulk path where it has one
/// (PostgreSQL binary COPY), else by multi-row INSERTs chunked under both databases' parameter limits. A bulk load
/// then costs a few statements per batch instead of several per resource.
/// </summary>
internal static class BatchInsert
{
    private static readonly string[] VersionColumns = ["res_type", "res_id", "version_id", "last_updated", "change", "json"];
    private static readonly string[] CurrentColumns = ["res_type", "res_id", "version_id", "last_updated", "is_deleted"];

    /// <summary>Writes resources whose ids are new to the store, and their index rows.</summary>
    public static async Task WriteAsync(SqlDialect dialect, DbConnection connection, DbTransaction tx,
        IReadOnlyList<StoredResource> resources, IEnumerable<(StoredResource Resource, IndexRow Row)> rows, CancellationToken ct)
    {
        foreach (var (table, columns, values) in Tables(resources, rows))
        {
            if (await dialect.CopyRowsAsync(connection, table, columns, values, ct)) continue;
            foreach (var (sql, parameters) in Statements(dialect.MaxInsertParameters, table, columns, values))
            {
                await using var cmd = connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = sql;
                foreach (var (name, value) in parameters.Values) RelationalResourceStore.AddParameter(cmd, name, value);
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
    }

    private static IEnumerable<(string Table, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows)> Tables(
        IReadOnlyList<StoredResource> resources, IEnumerable<(StoredResource Resource, IndexRow Row)> rows)
    {
        yield return ("resource_version", VersionColumns,
            [.. resources.Select(r => new object?[] { r.ResourceType, r.Id, r.VersionId, r.LastUpdated.ToUnixTimeMilliseconds(), (int)r.Change, r.Json })]);
        yield return ("resource", CurrentColumns,
            [.. resources.Select(r => new object?[] { r.ResourceType, r.Id, r.VersionId, r.LastUpdated.ToUnixTimeMilliseconds(), false })]);
        foreach (var group in rows.GroupBy(r => r.Row.Table))
            yield return (group.Key.Name, [.. IndexTable.KeyColumns, .. group.Key.ValueColumns],
                [.. group.Select(x => (object?[])[x.Resource.ResourceType, x.Resource.Id, x.Resource.VersionId, x.Row.Param, x.Row.Group, x.Row.Component, .. x.Row.Values])]);
    }

    private static IEnumerable<(string Sql, SqlParameters Parameters)> Statements(int maxParameters,
        string table, IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows)
    {
        foreach (var chunk in rows.Chunk(Math.Max(1, maxParameters / columns.Count)))
        {
            var p = new SqlParameters();
            var sql = new StringBuilder("INSERT INTO ").Append(table).Append(" (").AppendJoin(", ", columns).Append(") VALUES ");
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
