using System.Text;
using Shifo.Storage.Indexing;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Storage.Relational;

/// <summary>
/// Multi-row INSERTs covering many new resources at once (versions, current rows, index rows), chunked under both
/// databases' parameter limits: a bulk load then costs a few statements per batch instead of several per resource.
/// </summary>
internal static class BatchInsert
{
    public static IEnumerable<(string Sql, SqlParameters Parameters)> Versions(IReadOnlyList<StoredResource> resources, int maxParameters) =>
        Rows(maxParameters, "resource_version", ["res_type", "res_id", "version_id", "last_updated", "change", "json"], resources,
            r => [r.ResourceType, r.Id, r.VersionId, r.LastUpdated.ToUnixTimeMilliseconds(), (int)r.Change, r.Json]);

    public static IEnumerable<(string Sql, SqlParameters Parameters)> Current(IReadOnlyList<StoredResource> resources, int maxParameters) =>
        Rows(maxParameters, "resource", ["res_type", "res_id", "version_id", "last_updated", "is_deleted"], resources,
            r => [r.ResourceType, r.Id, r.VersionId, r.LastUpdated.ToUnixTimeMilliseconds(), false]);

    public static IEnumerable<(string Sql, SqlParameters Parameters)> Indexes(IEnumerable<(StoredResource Resource, IndexRow Row)> rows, int maxParameters)
    {
        foreach (var group in rows.GroupBy(r => r.Row.Table))
        {
            var table = group.Key;
            foreach (var sql in Rows(maxParameters, table.Name, [.. IndexTable.KeyColumns, .. table.ValueColumns], group.ToList(),
                         x => [x.Resource.ResourceType, x.Resource.Id, x.Resource.VersionId, x.Row.Param, x.Row.Group, x.Row.Component, .. x.Row.Values]))
                yield return sql;
        }
    }

    private static IEnumerable<(string Sql, SqlParameters Parameters)> Rows<T>(int maxParameters,
        string table, IReadOnlyList<string> columns, IReadOnlyList<T> items, Func<T, object?[]> values)
    {
        foreach (var chunk in items.Chunk(Math.Max(1, maxParameters / columns.Count)))
        {
            var p = new SqlParameters();
            var sql = new StringBuilder("INSERT INTO ").Append(table).Append(" (").AppendJoin(", ", columns).Append(") VALUES ");
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "(" : ", (");
                var row = values(chunk[i]);
                for (var c = 0; c < row.Length; c++) sql.Append(c == 0 ? "" : ", ").Append(p.Add(row[c]));
                sql.Append(')');
            }
            yield return (sql.ToString(), p);
        }
    }
}
