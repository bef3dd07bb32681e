using System.Data.Common;
using Shifo.Storage.Model;
using Shifo.Storage.Search;
using Shifo.Storage.Search.Includes;
using Shifo.Storage.Search.Sql;

namespace Shifo.Storage.Relational;

/// <summary>
/// Fetches what _include and _revinclude bring along with a page: follows idx_reference from the matches (or back to
/// them), then again from what was included for the :iterate ones, until nothing new turns up. One statement per
/// round: every spec's links from the whole frontier (its ids as one parameter), joined to the current versions, so a
/// page costs a round trip per level rather than one per spec, chunk and type. Bounded, since a page must stay a page.
/// </summary>
internal sealed class IncludeLoader(DbConnection connection, SqlDialect dialect)
{
    private const int MaxIncluded = 1000;
    private const int MaxRounds = 5;

    public async Task<List<StoredResource>> LoadAsync(IReadOnlyList<StoredResource> matches, IReadOnlyList<IncludeSpec> specs, CancellationToken ct)
    {
        var seen = new HashSet<(string, string)>(matches.Select(m => (m.ResourceType, m.Id)));
        var included = new List<StoredResource>();
        IReadOnlyList<StoredResource> frontier = matches;
        for (var round = 0; round < MaxRounds && frontier.Count > 0 && included.Count < MaxIncluded; round++)
        {
            var p = new SqlParameters();
            var links = specs.Where(s => round == 0 || s.Iterate).SelectMany(s => Links(s, frontier, p)).ToList();
            if (links.Count == 0) break;
            // the UNION has no duplicates, so at most seen.Count of these rows are already known: enough to fill the rest
            var sql = $"""
                SELECT v.res_type, v.res_id, v.version_id, v.last_updated, v.change, v.json
                FROM ({string.Join(" UNION ", links)}) l
                JOIN resource r ON r.res_type = l.t AND r.res_id = l.i
                JOIN resource_version v ON v.res_type = r.res_type AND v.res_id = r.res_id AND v.version_id = r.version_id
                WHERE r.is_deleted = {p.Add(false)}
                LIMIT {p.Add(MaxIncluded - included.Count + seen.Count)}
                """;
            var loaded = new List<StoredResource>();
            await using (var cmd = RelationalResourceStore.CommandFor(connection, sql, p))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct) && included.Count + loaded.Count < MaxIncluded)
                {
                    var resource = RelationalResourceStore.Materialize(reader, 0);
                    if (seen.Add((resource.ResourceType, resource.Id))) loaded.Add(resource);
                }
            }
            included.AddRange(loaded);
            frontier = loaded;
        }
        return included;
    }

    /// <summary>The (type t, id i) pairs one spec links the frontier to, as SELECTs over idx_reference (none when no frontier resource fits).</summary>
    private IEnumerable<string> Links(IncludeSpec spec, IReadOnlyList<StoredResource> from, SqlParameters p)
    {
        if (!spec.Reverse)
        {
            var ids = from.Where(r => r.ResourceType == spec.SourceType).Select(r => r.Id).Distinct().ToList();
            if (ids.Count == 0) yield break;
            yield return $"SELECT i.target_type AS t, i.target_id AS i FROM idx_reference i WHERE i.res_type = {p.Add(spec.SourceType)} " +
                         $"AND {dialect.AnyOf("i.res_id", ids, p)} AND i.target_id IS NOT NULL AND i.target_type IS NOT NULL" +
                         (spec.Stored is null ? "" : " AND " + StoredParameterSql.Condition("i", spec.Stored, p.Add)) +
                         (spec.TargetType is null ? "" : $" AND i.target_type = {p.Add(spec.TargetType)}");
            yield break;
        }
        foreach (var group in from.Where(r => spec.TargetType is null || r.ResourceType == spec.TargetType).GroupBy(r => r.ResourceType))
        {
            yield return $"SELECT i.res_type AS t, i.res_id AS i FROM idx_reference i WHERE i.res_type = {p.Add(spec.SourceType)} " +
                         $"AND i.target_type = {p.Add(group.Key)} AND {dialect.AnyOf("i.target_id", group.Select(r => r.Id).Distinct().ToList(), p)}" +
                         (spec.Stored is null ? "" : " AND " + StoredParameterSql.Condition("i", spec.Stored, p.Add));
        }
    }
}
