using Shifo.Fhir.Definitions;
using Shifo.Fhir.Outcomes;
using Shifo.Storage.Indexing;
using Shifo.Storage.Relational;

namespace Shifo.Storage.Search;

/// <summary>
/// The first search compiler: _id and _lastUpdated (all prefixes, partial dates), paging by count and offset, newest
/// first. Other parameters of the official definitions are reported as not implemented (the server answers 501);
/// parameters nobody defines are ignored with a warning, or refused under strict handling. The full compiler
/// replaces this class behind <see cref="ISearchCompiler"/>.
/// </summary>
public sealed class BasicSearchCompiler(FhirDefinitions definitions) : ISearchCompiler
{
    public static readonly IReadOnlyList<string> Supported = ["_id", "_lastUpdated"];

    /// <summary>Result parameters of the spec that the full compiler will implement.</summary>
    private static readonly HashSet<string> ResultParameters = new(StringComparer.Ordinal)
    {
        "_sort", "_include", "_revinclude", "_summary", "_elements", "_total", "_contained", "_containedType", "_has",
        "_list", "_text", "_content", "_query", "_filter", "_tag", "_profile", "_security", "_source",
    };

    public CompiledSearch Compile(SearchQuery query, SqlDialect dialect)
    {
        var p = new SqlParameters();
        var where = new List<string> { "r.is_deleted = " + p.Add(false) };
        var issues = new List<Issue>();
        var notImplemented = new List<string>();
        if (query.ResourceType is not null) where.Add("r.res_type = " + p.Add(query.ResourceType));

        var defined = definitions.SearchParametersFor(query.ResourceType ?? "Resource").Select(s => s.Code)
            .Concat(query.ResourceType is null ? definitions.SearchParameters.Where(s => s.Base.Contains("Resource")).Select(s => s.Code) : [])
            .ToHashSet(StringComparer.Ordinal);

        foreach (var sp in query.Parameters)
        {
            switch (sp.Name)
            {
                case "_id" when sp.Modifier is null:
                    var ids = sp.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    where.Add(ids.Length == 0 ? "1 = 0" : "r.res_id IN (" + string.Join(", ", ids.Select(id => p.Add(id))) + ")");
                    break;
                case "_lastUpdated" when sp.Modifier is null:
                    var alternatives = new List<string>();
                    foreach (var v in sp.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var (prefix, text) = SearchPrefixes.Split(v);
                        if (!FhirDateRange.TryParse(text, out var range))
                        {
                            issues.Add(Issue.Error("value", null, $"_lastUpdated: '{v}' is not a date, dateTime or instant."));
                            continue;
                        }
                        alternatives.Add(SearchPrefixes.RangeCondition(prefix, "r.last_updated", "r.last_updated", p.Add(range.Low), p.Add(range.High)));
                    }
                    if (alternatives.Count > 0) where.Add("(" + string.Join(" OR ", alternatives) + ")");
                    break;
                default:
                    var name = sp.Modifier is null ? sp.Name : sp.Name + ":" + sp.Modifier;
                    var root = sp.Name.Split('.')[0];
                    if (defined.Contains(root) || ResultParameters.Contains(root) || sp.Name.StartsWith("_has:", StringComparison.Ordinal))
                        notImplemented.Add(name);
                    else if (query.Strict)
                        issues.Add(Issue.Error("not-supported", null, $"Unknown search parameter '{name}'."));
                    else
                        issues.Add(Issue.Warning("not-supported", null, $"Unknown search parameter '{name}' was ignored."));
                    break;
            }
        }

        var filter = string.Join(" AND ", where);
        var page = $"""
            SELECT r.res_type, r.res_id, v.version_id, v.last_updated, v.change, v.json
            FROM resource r JOIN resource_version v ON v.res_type = r.res_type AND v.res_id = r.res_id AND v.version_id = r.version_id
            WHERE {filter}
            ORDER BY r.last_updated DESC, r.res_type, r.res_id
            LIMIT {p.Add(query.Count + 1)} OFFSET {p.Add(query.Offset)}
            """;
        var count = $"SELECT COUNT(*) FROM resource r WHERE {filter}";
        return new CompiledSearch(page, count, p, issues, notImplemented);
    }
}
