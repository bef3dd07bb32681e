using System.Text;
using Shifo.Storage.Indexing;
using Shifo.Storage.Search;

namespace Shifo.Storage.Relational;

/// <summary>Multi-row INSERTs for index rows, grouped by table and chunked under both databases' parameter limits.</summary>
internal static class IndexInsert
{
    public static IEnumerable<(string Sql, SqlParameters Parameters)> Build(string type, string id, long version, IReadOnlyList<IndexRow> rows, int maxParameters)
    {
        foreach (var group in rows.GroupBy(r => r.Table))
        {
            var table = group.Key;
            var width = IndexTable.KeyColumns.Count + table.ValueColumns.Count;
            var perStatement = Math.Max(1, maxParameters / width);
            foreach (var chunk in group.Chunk(perStatement))
            {
                var p = new SqlParameters();
                var sql = new StringBuilder("INSERT INTO ").Append(table.Name).Append(" (")
                    .AppendJoin(", ", IndexTable.KeyColumns.Concat(table.ValueColumns)).Append(") VALUES ");
                for (var r = 0; r < chunk.Length; r++)
                {
                    var row = chunk[r];
                    if (r > 0) sql.Append(", ");
                    sql.Append('(').Append(p.Add(type)).Append(", ").Append(p.Add(id)).Append(", ").Append(p.Add(version))
                        .Append(", ").Append(p.Add(row.Param)).Append(", ").Append(p.Add(row.Group)).Append(", ").Append(p.Add(row.Component));
                    foreach (var v in row.Values) sql.Append(", ").Append(p.Add(v));
                    sql.Append(')');
                }
                yield return (sql.ToString(), p);
            }
        }
    }
}
