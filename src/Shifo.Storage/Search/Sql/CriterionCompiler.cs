using Shifo.Fhir.Definitions;
using Shifo.Storage.Indexing;
using Shifo.Storage.Search.Parsing;

namespace Shifo.Storage.Search.Sql;

/// <summary>
/// Turns one search parameter (name with modifiers and chain, value with commas) into a SQL condition on a row of
/// the resource table. Index tables are reached by uncorrelated IN subqueries keyed by (res_type, param, value), so
/// that the database starts from the index rather than scanning resources; chains and _has nest the same way.
/// A probe (for rows that other criteria already narrowed to a few) is a correlated EXISTS through the index's
/// (res_type, res_id) key instead, fenced so that it stays a per-row check.
/// </summary>
internal sealed class CriterionCompiler(SqlContext c, SearchCatalog catalog, TimeProvider clock)
{
    private const int MaxDepth = 6;

    /// <summary>
    /// Conditions of the form "r.res_id IN (set)" whose set is index rows of the same type, by condition: index rows
    /// exist only for current, not deleted resources, so such a set alone says which resources match.
    /// </summary>
    public Dictionary<string, string> IndexSets { get; } = [];

    /// <summary>
    /// The condition that resource row <paramref name="r"/> (of <paramref name="type"/>, or any type when null) matches
    /// key=value; with <paramref name="probe"/>, written as a per-row check rather than a set to start from.
    /// </summary>
    public string Compile(string? type, string r, string key, string value, int depth = 0, bool probe = false)
    {
        if (depth > MaxDepth) throw new SearchException($"Chains and _has nest at most {MaxDepth} deep.", "too-costly");
        if (key.StartsWith("_has:", StringComparison.Ordinal)) return Has(type, r, key, value, depth, probe);

        var dot = key.IndexOf('.');
        var head = dot < 0 ? key : key[..dot];
        var colon = head.IndexOf(':');
        var code = colon < 0 ? head : head[..colon];
        var modifier = colon < 0 ? null : head[(colon + 1)..];
        var sp = catalog.Find(type, code) ?? throw new UnknownParameterException(code);
        if (!catalog.IsSupported(sp)) throw new UnknownParameterException(code, defined: true);
        if (dot >= 0) return Chain(type, r, sp, modifier, key[(dot + 1)..], value, depth, probe);

        var values = TokenValue.SplitUnescaped(value, ',');
        if (modifier == "missing")
        {
            if (value is not ("true" or "false")) throw new SearchException(":missing takes true or false.");
            return Missing(type, r, sp, value == "true", probe);
        }
        if (sp.Code == "_id") return Ids(r, modifier, values);
        if (sp.Code == "_lastUpdated")
        {
            if (modifier is not null) throw new SearchException($"The modifier :{modifier} does not apply to _lastUpdated.");
            return "(" + string.Join(" OR ", values.Select(v => DateSql.Row(c, $"{r}.last_updated", $"{r}.last_updated", v, clock))) + ")";
        }
        if (sp.Type == "composite")
        {
            if (modifier is not null) throw new SearchException($"The modifier :{modifier} does not apply to composite parameters.");
            return "(" + string.Join(" OR ", values.Select(v => Composite(type, r, sp, v, probe))) + ")";
        }

        var table = IndexTable.ForParameterType(sp.Type)!;
        var negate = modifier is "not" or "not-in";
        if (negate && sp.Type != "token") throw new SearchException($"The modifier :{modifier} does not apply to {sp.Type} parameters.");
        return InIndex(type, r, table, sp.Code, a => "(" + string.Join(" OR ", values.Select(v => "(" + Row(a, sp, modifier, v) + ")")) + ")", negate, probe);
    }

    /// <summary>The condition on one index row <paramref name="a"/> for one value.</summary>
    private string Row(string a, SearchParameterInfo sp, string? modifier, string value) => sp.Type switch
    {
        "string" => StringSql.Row(c, a, modifier, value),
        "token" => TokenSql.Row(c, a, modifier, value),
        "reference" => ReferenceSql.Row(c, a, modifier, value, sp.Target),
        "uri" => UriSql.Row(c, a, modifier, value),
        _ when modifier is not null => throw new SearchException($"The modifier :{modifier} does not apply to {sp.Type} parameters."),
        "date" => DateSql.Row(c, $"{a}.low", $"{a}.high", value, clock),
        "number" => NumberSql.NumberRow(c, a, value),
        "quantity" => NumberSql.QuantityRow(c, a, value),
        _ => throw new SearchException($"{sp.Code} ({sp.Type}) cannot be searched.", "not-supported"),
    };

    /// <summary>r has (or, negated, has no) index row of the parameter satisfying <paramref name="row"/>.</summary>
    private string InIndex(string? type, string r, IndexTable table, string param, Func<string, string>? row, bool negate, bool probe)
    {
        var a = c.NewAlias("i");
        var filter = StoredParameterSql.Condition(a, catalog.StoredAs(type, param), c.Add) + (row is null ? "" : " AND " + row(a));
        if (type is null)
            return $"{(negate ? "NOT " : "")}EXISTS (SELECT 1 FROM {table.Name} {a} WHERE {a}.res_type = {r}.res_type AND {a}.res_id = {r}.res_id AND {filter})";
        if (probe)
        {
            var t = c.Add(type);
            return $"{(negate ? "NOT " : "")}EXISTS (SELECT 1 FROM {c.Dialect.IndexRowsOf(table.Name, a, t, r + ".res_id")} WHERE {a}.res_type = {t} AND {a}.res_id = {r}.res_id AND {filter})";
        }
        var set = $"SELECT {a}.res_id FROM {table.Name} {a} WHERE {a}.res_type = {c.Add(type)} AND {filter}";
        var condition = $"{r}.res_id {(negate ? "NOT IN" : "IN")} ({set})";
        if (!negate) IndexSets[condition] = set;
        return condition;
    }

    private string Missing(string? type, string r, SearchParameterInfo sp, bool missing, bool probe)
    {
        if (sp.Code is "_id" or "_lastUpdated") return missing ? "1 = 0" : "1 = 1";
        var table = sp.Type == "composite" ? IndexTable.ForParameterType(catalog.ByUrl(sp.Components[0].Definition)!.Type)! : IndexTable.ForParameterType(sp.Type)!;
        return InIndex(type, r, table, sp.Code, null, negate: missing, probe);
    }

    private string Ids(string r, string? modifier, List<string> values)
    {
        if (modifier is not (null or "not")) throw new SearchException($"The modifier :{modifier} does not apply to _id.");
        var ids = values.Select(TokenValue.Unescape).Where(v => v.Length > 0).ToList();
        if (ids.Count == 0) return modifier is null ? "1 = 0" : "1 = 1";
        return $"{r}.res_id {(modifier is null ? "IN" : "NOT IN")} ({string.Join(", ", ids.Select(c.Add))})";
    }

    private string Composite(string? type, string r, SearchParameterInfo sp, string value, bool probe)
    {
        var parts = TokenValue.SplitUnescaped(value, '$');
        if (parts.Count != sp.Components.Count)
            throw new SearchException($"{sp.Code} takes {sp.Components.Count} values joined by '$'.");
        var from = new List<string>();
        var where = new List<string>();
        string? first = null;
        for (var i = 0; i < parts.Count; i++)
        {
            var component = catalog.ByUrl(sp.Components[i].Definition)!;
            var table = IndexTable.ForParameterType(component.Type)!;
            var a = c.NewAlias("k");
            if (first is null)
            {
                first = a;
                from.Add($"{table.Name} {a}");
                where.Add(StoredParameterSql.Condition(a, catalog.StoredAs(type, sp.Code), c.Add));
                if (type is not null) where.Add($"{a}.res_type = {c.Add(type)}");
            }
            else
                from.Add($"JOIN {table.Name} {a} ON {a}.res_type = {first}.res_type AND {a}.res_id = {first}.res_id AND {a}.param = {first}.param AND {a}.grp = {first}.grp");
            where.Add($"{a}.comp = {c.Add(i)}");
            where.Add("(" + Row(a, component, null, parts[i]) + ")");
        }
        var sql = $"SELECT {first}.res_id FROM {string.Join(" ", from)} WHERE {string.Join(" AND ", where)}";
        if (type is null || probe)
            return $"EXISTS ({sql} AND {first}.res_type = {r}.res_type AND {first}.res_id = {r}.res_id{(probe ? c.Dialect.ProbeFence : "")})";
        var condition = $"{r}.res_id IN ({sql})";
        IndexSets[condition] = sql;
        return condition;
    }

    /// <summary>subject:Patient.name=x: r refers, through the reference parameter, to a resource matching the rest of the chain.</summary>
    private string Chain(string? type, string r, SearchParameterInfo sp, string? typeModifier, string rest, string value, int depth, bool probe)
    {
        if (sp.Type != "reference") throw new SearchException($"{sp.Code} is a {sp.Type} parameter; only reference parameters can be chained.");
        IReadOnlyList<string> candidates;
        if (typeModifier is not null)
        {
            if (!c.Definitions.IsResourceType(typeModifier)) throw new SearchException($"In a chain, :{typeModifier} must be a resource type.");
            if (sp.Target.Count > 0 && !sp.Target.Contains(typeModifier)) throw new SearchException($"{sp.Code} does not refer to {typeModifier}.");
            candidates = [typeModifier];
        }
        else candidates = sp.Target;
        var nextCode = rest.Split('.', ':')[0];
        var usable = nextCode == "_has" ? candidates.ToList() : candidates.Where(t => catalog.Find(t, nextCode) is { } n && catalog.IsSupported(n)).ToList();
        if (usable.Count == 0)
            throw new SearchException($"None of the types {sp.Code} refers to ({string.Join(", ", candidates)}) has a search parameter {nextCode}; name the type as {sp.Code}:[type].{nextCode}.");
        // the same name meaning different kinds of value in different targets makes the value ambiguous
        if (nextCode != "_has" && usable.Select(t => catalog.Find(t, nextCode)!.Type).Distinct().Count() > 1)
            throw new SearchException($"{sp.Code}.{nextCode} is ambiguous: {nextCode} has different types in {string.Join(", ", usable)}; name the type as {sp.Code}:[type].{nextCode}.");

        var alternatives = usable.Select(t2 =>
        {
            var x = c.NewAlias("x");
            var inner = Compile(t2, x, rest, value, depth + 1);
            return (Type: t2, Inner: $"SELECT {x}.res_id FROM resource {x} WHERE {x}.res_type = {c.Add(t2)} AND {x}.is_deleted = {c.Add(false)} AND {inner}");
        }).ToList();
        return InIndex(type, r, IndexTable.Reference, sp.Code,
            a => "(" + string.Join(" OR ", alternatives.Select(alt => $"({a}.target_type = {c.Add(alt.Type)} AND {a}.target_id IN ({alt.Inner}))")) + ")", negate: false, probe);
    }

    /// <summary>
    /// _has:Observation:patient:code=x: some Observation whose patient is r matches code=x (the rest may nest another _has).
    /// As a probe it follows the references to r (idx_reference's search key ends in target_id) and checks each source:
    /// the work grows with r's few rows, not with every source matching code=x (3,520 conditions at a million resources).
    /// </summary>
    private string Has(string? type, string r, string key, string value, int depth, bool probe)
    {
        var parts = key.Split(':', 4);
        if (parts.Length < 4 || parts[3].Length == 0)
            throw new SearchException("_has takes the form _has:[type]:[reference parameter]:[parameter]=[value].");
        var (source, param, rest) = (parts[1], parts[2], parts[3]);
        if (!c.Definitions.IsResourceType(source)) throw new SearchException($"_has: {source} is not a resource type.");
        var sp = catalog.Find(source, param);
        if (sp is null || sp.Type != "reference") throw new SearchException($"_has: {param} is not a reference parameter of {source}.");
        if (type is not null && sp.Target.Count > 0 && !sp.Target.Contains(type)) throw new SearchException($"_has: {source}.{param} never refers to {type}.");

        var x = c.NewAlias("x");
        var a = c.NewAlias("h");
        var refersBy = StoredParameterSql.Condition(a, catalog.StoredAs(source, param), c.Add);
        if (probe && type is not null)
        {
            // index rows exist only for current, not deleted resources: the reference row stands for its source, whose
            // other index rows are probed by (res_type, res_id) directly; only a criterion on the source's own row
            // (_lastUpdated) reads the resource table
            var ownRow = rest.StartsWith("_lastUpdated", StringComparison.Ordinal);
            var checks = Compile(source, ownRow ? x : a, rest, value, depth + 1, probe: true);
            var join = ownRow ? $" JOIN resource {x} ON {x}.res_type = {a}.res_type AND {x}.res_id = {a}.res_id" : "";
            return $"EXISTS (SELECT 1 FROM idx_reference {a}{join} " +
                $"WHERE {a}.res_type = {c.Add(source)} AND {refersBy} AND {a}.target_id = {r}.res_id AND {a}.target_type = {c.Add(type)} " +
                $"AND {checks}{c.Dialect.ProbeFence})";
        }
        var inner = Compile(source, x, rest, value, depth + 1);
        var sources = $"SELECT {x}.res_id FROM resource {x} WHERE {x}.res_type = {c.Add(source)} AND {x}.is_deleted = {c.Add(false)} AND {inner}";
        var refs = $"FROM idx_reference {a} WHERE {a}.res_type = {c.Add(source)} AND {refersBy} AND {a}.res_id IN ({sources})";
        return type is not null
            ? $"{r}.res_id IN (SELECT {a}.target_id {refs} AND {a}.target_type = {c.Add(type)})"
            : $"EXISTS (SELECT 1 {refs} AND {a}.target_type = {r}.res_type AND {a}.target_id = {r}.res_id)";
    }

    /// <summary>Patient/123/Observation: r is linked to the compartment's owner by one of the compartment's parameters.</summary>
    public string Compartment(string type, string r, string compartmentType, string id)
    {
        var compartment = c.Definitions.Compartments.FirstOrDefault(x => x.Code == compartmentType)
            ?? throw new SearchException($"There is no {compartmentType} compartment.", "not-found");
        if (!compartment.ParamsByResourceType.TryGetValue(type, out var parameters) || parameters.Count == 0)
            throw new SearchException($"{type} is not part of the {compartmentType} compartment.", "not-found");
        var conditions = new List<string>();
        if (parameters.Contains("{def}")) conditions.Add($"{r}.res_id = {c.Add(id)}");
        // the rows of a parameter that repeats another (Encounter's patient: subject kept to Patient targets) are that
        // other's; the target type is this compartment's anyway, and one kept to another type can never link here
        var links = parameters.Where(p => p != "{def}").Select(p => catalog.StoredAs(type, p))
            .Where(s => s.TargetType is null || s.TargetType == compartmentType).SelectMany(s => s.Parameters).Distinct().ToList();
        if (links.Count > 0)
        {
            var a = c.NewAlias("i");
            conditions.Add($"{r}.res_id IN (SELECT {a}.res_id FROM idx_reference {a} WHERE {a}.res_type = {c.Add(type)} AND {a}.param IN ({string.Join(", ", links.Select(c.Add))}) AND {a}.target_type = {c.Add(compartmentType)} AND {a}.target_id = {c.Add(id)})");
        }
        return "(" + string.Join(" OR ", conditions) + ")";
    }
}

/// <summary>A parameter nobody defines for the type, or one defined but not searchable here: ignored with a warning, or refused under strict handling.</summary>
internal sealed class UnknownParameterException(string code, bool defined = false)
    : Exception(defined ? $"The search parameter '{code}' is not supported by this server." : $"Unknown search parameter '{code}'.")
{
    public string Code { get; } = code;
    public bool Defined { get; } = defined;
}
