using Shifo.Fhir.Definitions;
using Shifo.Fhir.Outcomes;
using Shifo.Storage.Relational;
using Shifo.Storage.Search.Includes;
using Shifo.Storage.Search.Paging;
using Shifo.Storage.Search.Parsing;
using Shifo.Storage.Search.Sql;

namespace Shifo.Storage.Search;

/// <summary>
/// The search compiler: every parameter of the official definitions the indexer fills, with their modifiers,
/// prefixes, chains and _has, plus _sort, _include/_revinclude, _total and keyset paging. Repeated parameters are
/// ANDed, comma-separated values ORed. Every value is a SQL parameter. Unknown parameters become warnings (errors
/// under strict handling); malformed values errors.
/// </summary>
public sealed class FhirSearchCompiler(FhirDefinitions definitions, TimeProvider? clock = null) : ISearchCompiler
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The most SQL parameter values one search may use, well under both databases' limits.</summary>
    private const int MaxValues = 10000;

    public SearchCatalog Catalog { get; } = new(definitions);

    public CompiledSearch Compile(SearchQuery query, SqlDialect dialect)
    {
        var c = new SqlContext(dialect, definitions);
        var criteria = new CriterionCompiler(c, Catalog, _clock);
        var type = query.ResourceType;
        var issues = new List<Issue>();
        var understood = new List<SearchParameter>();
        var where = new List<string> { $"r.is_deleted = {c.Add(false)}" };
        if (type is not null) where.Add($"r.res_type = {c.Add(type)}");
        string? sort = null;
        var total = TotalMode.Default;
        var includes = new List<IncludeSpec>();
        // the counted criteria as sets of index rows, while every criterion is one (null once one is not)
        List<string>? indexSets = [];
        // _has becomes a per-row probe when something else already narrows the rows it has to check
        var narrowed = query.Compartment is not null || query.Parameters.Any(p =>
            p.Name is not ("_has" or "_sort" or "_total" or "_include" or "_revinclude") && Catalog.Find(type, p.Name) is { } d && Catalog.IsSupported(d));
        // one patient's resources are few: when a criterion names patients, the others are checked on its rows rather
        // than started from (the planners under-estimate a common code or category and start from all its rows)
        var anchor = query.Compartment is { Type: "Patient" } ? null : query.Parameters.FirstOrDefault(p => NamesPatients(type, p));
        var anchored = query.Compartment is { Type: "Patient" } || anchor is not null;
        var probed = false; // some criterion is a check per candidate row

        void Fail(SearchParameter sp, string code, string message) => issues.Add(Issue.Error(code, null, $"{sp.Key}: {message}"));

        if (query.Compartment is { } compartment)
        {
            try
            {
                if (type is null) throw new SearchException("A compartment search needs a resource type.");
                where.Add(criteria.Compartment(type, "r", compartment.Type, compartment.Id));
                indexSets = null;
            }
            catch (SearchException ex) { issues.Add(Issue.Error(ex.Code, null, ex.Message)); }
        }

        foreach (var sp in query.Parameters)
        {
            try
            {
                switch (sp.Name)
                {
                    case "_sort":
                        if (sp.Modifier is not null) throw new SearchException("_sort takes no modifier.");
                        sort = sp.Value;
                        break;
                    case "_total":
                        total = sp.Value switch
                        {
                            "none" => TotalMode.None,
                            "estimate" => TotalMode.Estimate,
                            "accurate" => TotalMode.Accurate,
                            _ => throw new SearchException("_total takes none, estimate or accurate."),
                        };
                        break;
                    case "_include" or "_revinclude":
                        foreach (var v in sp.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                            includes.Add(IncludeSpec.Parse(Catalog, sp.Name, sp.Modifier, v, type));
                        break;
                    default:
                        var probe = sp.Name == "_has" ? narrowed : anchored && !ReferenceEquals(sp, anchor) && !sp.Key.Contains('.');
                        var condition = criteria.Compile(type, "r", sp.Key, sp.Value, probe: probe);
                        probed |= probe;
                        where.Add(condition);
                        if (criteria.IndexSets.TryGetValue(condition, out var set)) indexSets?.Add(set);
                        else indexSets = null;
                        break;
                }
                // both databases cap the values of one statement (SQLite at 32766)
                if (c.P.Values.Count > MaxValues) throw new SearchException($"The search has more than {MaxValues} values.", "too-costly");
                understood.Add(sp);
            }
            catch (SearchException ex) { Fail(sp, ex.Code, ex.Message); }
            catch (UnknownParameterException ex)
            {
                if (query.Strict) Fail(sp, "not-supported", ex.Message);
                else issues.Add(Issue.Warning("not-supported", null, ex.Message + " It was ignored."));
            }
        }
        if (query.Total is { } forced) total = forced;

        List<string> columns = [];
        List<SortKey> keys = [];
        try
        {
            (columns, keys) = SortKeys.Build(c, Catalog, type, sort);
        }
        catch (SearchException ex) { issues.Add(Issue.Error(ex.Code, null, ex.Message)); }

        SearchCursor? cursor = null;
        if (query.Cursor is { } token)
        {
            try { cursor = SearchCursor.Decode(token, keys); }
            catch (SearchException ex) { issues.Add(Issue.Error(ex.Code, null, ex.Message)); }
        }
        var snapshot = cursor?.Snapshot ?? SnapshotFence.Take(_clock);
        if (cursor is not null)
        {
            // what existed when the first page was made: written by then, or created by then and updated since
            where.Add($"(r.last_updated <= {c.Add(snapshot)} OR r.res_id IN (SELECT sv.res_id FROM resource_version sv WHERE sv.res_type = r.res_type AND sv.res_id = r.res_id AND sv.version_id = 1 AND sv.last_updated <= {c.Add(snapshot)}))");
        }
        var filter = string.Join(" AND ", where);
        var indexCount = cursor is null && type is not null && indexSets is { Count: 1 } ? IndexCount(indexSets[0]) : null;
        var countSql = indexCount ?? $"SELECT COUNT(*) FROM resource r WHERE {filter}";
        if (issues.Any(i => i.IsError))
            return new CompiledSearch(null, countSql, c.P, keys, snapshot, cursor is not null, false, total, includes, issues, understood);

        string? pageSql = null, countingPageSql = null;
        var backward = cursor?.Backward ?? false;
        if (query.Count > 0)
        {
            var inner = $"SELECT r.res_type AS rt, r.res_id AS ri, r.version_id AS rv, r.last_updated AS lu{string.Concat(columns.Select(col => ", " + col))} FROM resource r WHERE {filter}";
            var keyset = cursor is null ? "" : "WHERE " + SortKeys.After(c, keys, cursor.Anchor, backward);
            // a sort value feeds two keys (has none, value): the fence computes it once per row. Without sort values
            // there is no fence, so a keyset on res_id and its order can still use the primary key.
            // Sort and cut the page on the index rows first, then read the JSON of the page's rows only (a patient's
            // hundreds of observations used to be joined with their versions before ten of them were kept)
            var keyColumns = keys.Select((k, i) => $"{k.Expression} AS k{i}");
            var outerKeys = keys.Select((k, i) => k with { Expression = "p.k" + i }).ToList();
            var matches = $"({inner}{(columns.Count > 0 ? dialect.ComputeOnceFence : "")})";
            string Page(string from, bool counting) => $"""
                SELECT v.res_type, v.res_id, v.version_id, v.last_updated, v.change, v.json{string.Concat(outerKeys.Select(k => ", " + k.Expression))}{(counting ? ", p.n" : "")}
                FROM (
                    SELECT m.rt, m.ri, m.rv, {string.Join(", ", keyColumns)}{(counting ? ", COUNT(*) OVER () AS n" : "")}
                    FROM {from} m
                    {keyset}
                    ORDER BY {SortKeys.OrderBy(keys, backward)}
                    LIMIT {c.Add(query.Count + 1)}
                ) p JOIN resource_version v ON v.res_type = p.rt AND v.res_id = p.ri AND v.version_id = p.rv
                ORDER BY {SortKeys.OrderBy(outerKeys, backward)}
                """;
            pageSql = Page(matches, counting: false);
            // A first page whose total is counted, of a search that checks its candidates one by one (a _has beside a
            // name, criteria beside a patient), first tries to count its matches while it reads them: a window over at
            // most CountInPageLimit + 1 matches, before they are sorted and cut. A second statement would probe every
            // candidate again (640 patients named Thompson* with a _has at a million resources: a 34 ms page and a
            // 21 ms count). Over the limit, the store runs the plain page and the count, having spent at most the
            // limit's probes. Searches of sets only keep the two statements: their page stops early, while any
            // window, even one over a few rows, waits for the sets' hash tables (227,840 final vital signs: 1.5 s
            // became 2.0 s).
            if (probed && cursor is null && total is TotalMode.Default or TotalMode.Accurate && indexCount is null)
                countingPageSql = Page($"(SELECT * FROM {matches} f LIMIT {c.Add(CompiledSearch.CountInPageLimit + 1)})", counting: true);
        }
        return new CompiledSearch(pageSql, countSql, c.P, keys, snapshot, cursor is not null, backward, total, includes, issues, understood, countingPageSql);
    }

    /// <summary>
    /// subject=Patient/1,Patient/2 or patient=1: a plain reference criterion whose every value names a patient by id;
    /// or subject:Patient.identifier=x: a chain to patients by identifier.
    /// </summary>
    private bool NamesPatients(string? type, SearchParameter p)
    {
        var dot = p.Name.IndexOf('.');
        if (Catalog.Find(type, dot < 0 ? p.Name : p.Name[..dot]) is not { Type: "reference" } sp || !Catalog.IsSupported(sp)) return false;
        // the key is subject.identifier (name with the chain) or subject:Patient.identifier (modifier with it)
        if (dot >= 0) return p.Modifier is null && p.Name[(dot + 1)..] == "identifier" && sp.Target is ["Patient"];
        if (p.Modifier == "Patient.identifier") return true;
        if (p.Modifier is not (null or "Patient")) return false;
        var bare = p.Modifier == "Patient" || sp.Target is ["Patient"];
        var values = TokenValue.SplitUnescaped(p.Value, ',');
        return values.Count > 0 && values.All(v => v.StartsWith("Patient/", StringComparison.Ordinal) ? v.Length > 8 && !v.Contains("://") : bare && v.Length > 0 && !v.Contains('/') && !v.Contains(':'));
    }

    /// <summary>
    /// The count of a first page whose one criterion is a set of index rows of the type: the distinct ids of the set,
    /// without reading the resource table (index rows exist only for current, not deleted resources). A day of
    /// encounters at a million resources: a few index rows instead of a join with all 83,200 encounters. With more
    /// criteria the general count stays: the planner starts it from the most selective one (intersecting the sets
    /// would read each whole). Starts with SELECT COUNT(*) like the general count, which _total=estimate's EXPLAIN relies on.
    /// </summary>
    private static string IndexCount(string set) => $"SELECT COUNT(*) FROM (SELECT DISTINCT s.res_id FROM ({set}) s) m";
}
