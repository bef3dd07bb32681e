using Shifo.Storage.Indexing;
using Shifo.Storage.Search.Parsing;

namespace Shifo.Storage.Search.Sql;

/// <summary>
/// number and quantity parameters: the search value carries the range of its written precision ("100" = [99.5, 100.5));
/// ap widens it by 10 % of the value. A quantity in UCUM is compared in canonical
/// units (mg against g), other units by system and code as written.
/// </summary>
internal static class NumberSql
{
    public static string NumberRow(SqlContext c, string a, string value)
    {
        var (prefix, range) = Parse(value);
        return Compare(c, prefix, range, $"{a}.value", $"{a}.low", $"{a}.high", 1);
    }

    public static string QuantityRow(SqlContext c, string a, string value)
    {
        var parts = TokenValue.SplitUnescaped(value, '|');
        if (parts.Count is not (1 or 3))
            throw new SearchException($"'{DateSql.Shorten(value)}' is not a quantity: [prefix]number, or [prefix]number|system|code.");
        var (prefix, range) = Parse(parts[0]);
        var system = parts.Count == 3 && parts[1].Length > 0 ? TokenValue.Unescape(parts[1]) : null;
        var code = parts.Count == 3 && parts[2].Length > 0 ? TokenValue.Unescape(parts[2]) : null;
        if (system == UcumNormalizer.UcumSystem && UcumNormalizer.Canonicalize(code) is { } canonical)
            return $"{a}.norm_code = {c.Add(canonical.Code)} AND {Compare(c, prefix, range, $"{a}.norm_value", $"{a}.norm_low", $"{a}.norm_high", canonical.Factor)}";
        var unit = new List<string>();
        if (code is not null) unit.Add($"{a}.code = {c.Add(code)}");
        if (system is not null) unit.Add($"{a}.system = {c.Add(system)}");
        unit.Add(Compare(c, prefix, range, $"{a}.value", $"{a}.low", $"{a}.high", 1));
        return string.Join(" AND ", unit);
    }

    private static (SearchPrefix, DecimalRange) Parse(string value)
    {
        var (prefix, text) = SearchPrefixes.Split(value);
        if (!DecimalRange.TryParse(text, out var range) || text.Contains(' ') || text.StartsWith('+'))
            throw new SearchException($"'{DateSql.Shorten(value)}' is not a number (with an optional prefix eq, ne, gt, lt, ge, le, sa, eb, ap).");
        return (prefix, range);
    }

    /// <summary>
    /// eq/ne/ap: the stored value lies (not) within the search value's precision range, [99.5, 100.5) for "100";
    /// gt/lt/ge/le/sa/eb: the stored value against the search value itself. A stored range (Range, value null)
    /// matches when any part of it satisfies the comparison.
    /// </summary>
    private static string Compare(SqlContext c, SearchPrefix prefix, DecimalRange range, string value, string low, string high, double factor)
    {
        var v = range.Value * factor;
        var lo = range.Low * factor;
        var hi = range.High * factor;
        if (prefix == SearchPrefix.Ap)
        {
            var gap = Math.Abs(v) * 0.1;
            lo = Math.Min(lo, v - gap);
            hi = Math.Max(hi, v + gap);
        }
        string P(double d) => c.Add(d);
        var (point, span) = prefix switch
        {
            SearchPrefix.Eq or SearchPrefix.Ap => ($"{value} >= {P(lo)} AND {value} < {P(hi)}", $"{low} >= {P(lo)} AND {high} <= {P(hi)}"),
            SearchPrefix.Ne => ($"({value} < {P(lo)} OR {value} >= {P(hi)})", $"({low} < {P(lo)} OR {high} > {P(hi)})"),
            SearchPrefix.Gt or SearchPrefix.Sa => ($"{value} > {P(v)}", $"{high} > {P(v)}"),
            SearchPrefix.Lt or SearchPrefix.Eb => ($"{value} < {P(v)}", $"{low} < {P(v)}"),
            SearchPrefix.Ge => ($"{value} >= {P(v)}", $"{high} >= {P(v)}"),
            _ => ($"{value} <= {P(v)}", $"{low} <= {P(v)}"),
        };
        return $"(({value} IS NOT NULL AND {point}) OR ({value} IS NULL AND {span}))";
    }
}
