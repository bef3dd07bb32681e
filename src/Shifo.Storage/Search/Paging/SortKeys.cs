using Shifo.Storage.Indexing;
using Shifo.Storage.Search.Parsing;
using Shifo.Storage.Search.Sql;

namespace Shifo.Storage.Search.Paging;

/// <summary>One column of the page order: an expression over the derived table m, its direction, and the kind of its values (l = integer, d = real, s = text), which a cursor's anchor must have.</summary>
public sealed record SortKey(string Expression, bool Descending, char Kind);

/// <summary>
/// _sort=a,-b: each parameter sorts by its smallest stored value ascending, its largest descending (a date by the
/// start or end of its range); resources without a value come last either way. Each sort parameter becomes a
/// "has no value" flag and a value column; (res_type,) res_id end every order so that it is total, as keyset paging needs.
/// </summary>
internal static class SortKeys
{
    /// <summary>The value columns computed for each row (inner select) and the keys ordering by them (outer select).</summary>
    public static (List<string> Columns, List<SortKey> Keys) Build(SqlContext c, SearchCatalog catalog, string? type, string? sort)
    {
        var columns = new List<string>();
        var keys = new List<SortKey>();
        foreach (var raw in (sort ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var descending = raw.StartsWith('-');
            var code = descending ? raw[1..] : raw;
            var name = "s" + columns.Count;
            switch (code)
            {
                case "_id":
                    keys.Add(new SortKey("m.ri", descending, 's'));
                    continue;
                case "_lastUpdated":
                    keys.Add(new SortKey("m.lu", descending, 'l'));
                    continue;
            }
            var sp = catalog.Find(type, code);
            if (sp is null || !catalog.IsSupported(sp)) throw new SearchException($"_sort: '{code}' is not a search parameter of {type ?? "every resource"} this server supports.");
            var (column, zero, kind) = sp.Type switch
            {
                "date" => (descending ? "MAX(x.high)" : "MIN(x.low)", "0", 'l'),
                "string" => (descending ? "MAX(x.value_norm)" : "MIN(x.value_norm)", "''", 's'),
                "token" => (descending ? "MAX(x.code)" : "MIN(x.code)", "''", 's'),
                "number" or "quantity" => (descending ? "MAX(x.value)" : "MIN(x.value)", "0", 'd'),
                "uri" => (descending ? "MAX(x.uri)" : "MIN(x.uri)", "''", 's'),
                "reference" => (descending ? "MAX(x.target_id)" : "MIN(x.target_id)", "''", 's'),
                _ => throw new SearchException($"_sort: {code} is a {sp.Type} parameter, which cannot be sorted on."),
            };
            var table = IndexTable.ForParameterType(sp.Type)!;
            var x = c.NewAlias("o");
            columns.Add($"(SELECT {column.Replace("x.", x + ".")} FROM {table.Name} {x} WHERE {x}.res_type = r.res_type AND {x}.res_id = r.res_id AND {StoredParameterSql.Condition(x, catalog.StoredAs(type, sp.Code), c.Add)}) AS {name}");
            keys.Add(new SortKey($"(CASE WHEN m.{name} IS NULL THEN 1 ELSE 0 END)", false, 'l'));
            keys.Add(new SortKey($"COALESCE(m.{name}, {zero})", descending, kind));
        }
        if (type is null) keys.Add(new SortKey("m.rt", false, 's'));
        keys.Add(new SortKey("m.ri", false, 's'));
        return (columns, keys);
    }

    /// <summary>Rows strictly after (or, backward, before) the anchor in the keys' order.</summary>
    public static string After(SqlContext c, IReadOnlyList<SortKey> keys, IReadOnlyList<object> anchor, bool backward)
    {
        var alternatives = new List<string>();
        for (var i = 0; i < keys.Count; i++)
        {
            var parts = new List<string>();
            for (var j = 0; j < i; j++) parts.Add($"{keys[j].Expression} = {c.Add(anchor[j])}");
            var greater = keys[i].Descending == backward;
            parts.Add($"{keys[i].Expression} {(greater ? ">" : "<")} {c.Add(anchor[i])}");
            alternatives.Add("(" + string.Join(" AND ", parts) + ")");
        }
        return "(" + string.Join(" OR ", alternatives) + ")";
    }

    public static string OrderBy(IReadOnlyList<SortKey> keys, bool backward) =>
        string.Join(", ", keys.Select(k => k.Expression + (k.Descending != backward ? " DESC" : " ASC")));
}
