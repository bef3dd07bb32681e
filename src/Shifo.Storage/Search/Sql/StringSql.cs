using Shifo.Storage.Indexing;
using Shifo.Storage.Search.Parsing;

namespace Shifo.Storage.Search.Sql;

/// <summary>
/// string parameters over idx_string: by default the normalized value starts with the normalized search text
/// (case, accents, Cyrillic/Latin and apostrophes seen through); :exact compares the text as written; :contains
/// matches anywhere.
/// </summary>
internal static class StringSql
{
    public static readonly string[] Modifiers = ["exact", "contains"];

    public static string Row(SqlContext c, string a, string? modifier, string value)
    {
        var text = TokenValue.Unescape(value);
        return modifier switch
        {
            null => c.Dialect.StartsWith($"{a}.value_norm", TextNormalizer.Normalize(text), c.P),
            "exact" => $"{a}.value_exact = {c.Add(text)}",
            "contains" => c.Dialect.Contains($"{a}.value_norm", TextNormalizer.Normalize(text), c.P),
            _ => throw new SearchException($"The modifier :{modifier} does not apply to string parameters."),
        };
    }
}
