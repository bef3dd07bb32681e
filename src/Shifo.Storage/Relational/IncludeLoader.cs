using System.Data.Common;
using Shifo.Storage.Model;
using Shifo.Storage.Search;
using Shifo.Storage.Search.Includes;

namespace Shifo.Storage.Relational;

/// <summary>
/// Fetches what _include and _revinclude bring along with a page: follows idx_reference from the matches (or back to
/// them), then again from what was included for the :iterate ones, until nothing new turns up. Bounded, since a
/// page must stay a page.
/// </summary>
internal sealed class IncludeLoader(DbConnection connection)
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
            var found = new List<(string Type, string Id)>();
            foreach (var spec in specs.Where(s => round == 0 || s.Iterate))
                found.AddRange(await LinkedAsync(spec, frontier, ct));
            var fresh = found.Where(seen.Add).Take(MaxIncluded - included.Count).ToList();
            var loaded = new List<StoredResource>();
            foreach (var group in fresh.GroupBy(f => f.Type))
                loaded.AddRange(await RelationalResourceStore.ReadManyAsync(connection, group.Key, group.Select(g => g.Id).ToList(), ct));
            included.AddRange(loaded);
            frontier = loaded;
        }
        return included;
    }

    private async Task<List<(string, string)>> LinkedAsync(IncludeSpec spec, IReadOnlyList<StoredResource> from, CancellationToken ct)
    {
        var result = new List<(string, string)>();
        if (!spec.Reverse)
        {
            var ids = from.Where(r => r.ResourceType == spec.SourceType).Select(r => r.Id).Distinct().ToList();
            foreach (var chunk in ids.Chunk(500))
            {
                var p = new SqlParameters();
                var sql = $"SELECT DISTINCT i.target_type, i.target_id FROM idx_reference i WHERE i.res_type = {p.Add(spec.SourceType)} " +
                          $"AND i.res_id IN ({string.Join(", ", chunk.Select(p.Add))}) AND i.target_id IS NOT NULL AND i.target_type IS NOT NULL" +
                          (spec.Param is null ? "" : $" AND i.param = {p.Add(spec.Param)}") +
                          (spec.TargetType is null ? "" : $" AND i.target_type = {p.Add(spec.TargetType)}");
                await ReadPairsAsync(sql, p, result, ct);
            }
            return result;
        }
        foreach (var group in from.Where(r => spec.TargetType is null || r.ResourceType == spec.TargetType).GroupBy(r => r.ResourceType))
        {
            foreach (var chunk in group.Select(r => r.Id).Distinct().Chunk(500))
            {
                var p = new SqlParameters();
                var sql = $"SELECT DISTINCT i.res_type, i.res_id FROM idx_reference i WHERE i.res_type = {p.Add(spec.SourceType)} " +
                          $"AND i.target_type = {p.Add(group.Key)} AND i.target_id IN ({string.Join(", ", chunk.Select(p.Add))})" +
                          (spec.Param is null ? "" : $" AND i.param = {p.Add(spec.Param)}");
                await ReadPairsAsync(sql, p, result, ct);
            }
        }
        return result;
    }

    private async Task ReadPairsAsync(string sql, SqlParameters p, List<(string, string)> into, CancellationToken ct)
    {
        await using var cmd = RelationalResourceStore.CommandFor(connection, sql, p);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) into.Add((reader.GetString(0), reader.GetString(1)));
    }
}
