using Shifo.Storage.Indexing;
using Shifo.Storage.Search.Parsing;

namespace Shifo.Storage.Search.Sql;

/// <summary>
/// token parameters over idx_token (system, code, text_norm, type_system, type_code). :not is the negation of the
/// plain match and is applied by the caller; :text matches the display or text; :above/:below walk the hierarchy of
/// a code system of the package; :in/:not-in expand a value set of the package; :of-type matches identifier type and value.
/// </summary>
internal static class TokenSql
{
    public static readonly string[] Modifiers = ["text", "not", "above", "below", "in", "not-in", "of-type"];

    /// <summary>The most codes a value set or hierarchy may expand to in one search.</summary>
    private const int MaxCodes = 5000;

    public static string Row(SqlContext c, string a, string? modifier, string value) => modifier switch
    {
        null or "not" => Plain(c, a, TokenValue.Parse(value)),
        "text" => Text(c, a, value),
        "above" or "below" => Hierarchy(c, a, modifier, TokenValue.Parse(value)),
        "in" or "not-in" => ValueSet(c, a, TokenValue.Unescape(value)),
        "of-type" => OfType(c, a, value),
        _ => throw new SearchException($"The modifier :{modifier} does not apply to token parameters."),
    };

    public static string Plain(SqlContext c, string a, TokenValue t)
    {
        var parts = new List<string>();
        if (t.Code is not null) parts.Add($"{a}.code = {c.Add(t.Code)}");
        if (t.HasSystem) parts.Add(t.System is null ? $"{a}.system IS NULL" : $"{a}.system = {c.Add(t.System)}");
        if (parts.Count == 0) throw new SearchException("A token value needs a code or a system.");
        return string.Join(" AND ", parts);
    }

    private static string Text(SqlContext c, string a, string value)
    {
        var norm = TextNormalizer.Normalize(TokenValue.Unescape(value));
        if (norm.Length == 0) throw new SearchException(":text needs some text.");
        // the text starts with the words searched, or one of its words does
        return $"({c.Dialect.StartsWith($"{a}.text_norm", norm, c.P)} OR {c.Dialect.Contains($"{a}.text_norm", " " + norm, c.P)})";
    }

    private static string Hierarchy(SqlContext c, string a, string modifier, TokenValue t)
    {
        if (t.System is null || t.Code is null)
            throw new SearchException($":{modifier} on a token needs system|code.");
        var system = c.Definitions.GetCodeSystem(t.System)
            ?? throw new SearchException($"The code system {t.System} is not known to this server, so :{modifier} cannot be evaluated.", "not-supported");
        var codes = modifier == "below"
            ? system.DescendantsAndSelf(t.Code).ToList()
            : system.Concepts.Keys.Where(k => system.Subsumes(k, t.Code)).ToList();
        if (codes.Count == 0) codes.Add(t.Code);
        return $"{a}.system = {c.Add(t.System)} AND {a}.code IN ({string.Join(", ", codes.Select(c.Add))})";
    }

    private static string ValueSet(SqlContext c, string a, string url)
    {
        var vs = c.Definitions.GetValueSet(url)
            ?? throw new SearchException($"The value set {url} is not known to this server.", "not-supported");
        if (!vs.IsExpandable)
            throw new SearchException($"The value set {url} draws on code systems this server does not hold, so it cannot be expanded.", "not-supported");
        var bySystem = vs.Codes.GroupBy(x => x.System).ToList();
        if (bySystem.Sum(g => g.Count()) > MaxCodes)
            throw new SearchException($"The value set {url} expands to more than {MaxCodes} codes.", "too-costly");
        if (bySystem.Count == 0) return "1 = 0";
        return "(" + string.Join(" OR ", bySystem.Select(g =>
            $"({a}.system = {c.Add(g.Key)} AND {a}.code IN ({string.Join(", ", g.Select(x => c.Add(x.Code)))}))")) + ")";
    }

    private static string OfType(SqlContext c, string a, string value)
    {
        var parts = TokenValue.SplitUnescaped(value, '|');
        if (parts.Count != 3 || parts.Any(p => p.Length == 0))
            throw new SearchException(":of-type takes system|code|value (the identifier type's coding and the identifier's value).");
        return $"{a}.type_system = {c.Add(TokenValue.Unescape(parts[0]))} AND {a}.type_code = {c.Add(TokenValue.Unescape(parts[1]))} AND {a}.code = {c.Add(TokenValue.Unescape(parts[2]))}";
    }
}
