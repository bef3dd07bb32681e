using Shifo.Storage.Indexing;
using Shifo.Storage.Search.Parsing;

namespace Shifo.Storage.Search.Sql;

/// <summary>
/// date parameters: the search value is the range its precision implies ("2020-03" = the whole month) and the
/// prefix compares it with the stored range as the spec says (see <see cref="SearchPrefixes.RangeCondition"/>).
/// ap widens the search range by a tenth of its distance from now.
/// </summary>
internal static class DateSql
{
    public static string Row(SqlContext c, string low, string high, string value, TimeProvider clock)
    {
        var (prefix, text) = SearchPrefixes.Split(value);
        if (!FhirDateRange.TryParse(text, out var range))
            throw new SearchException($"'{Shorten(value)}' is not a date, dateTime or instant (with an optional prefix eq, ne, gt, lt, ge, le, sa, eb, ap).");
        if (prefix == SearchPrefix.Ap)
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var gap = (long)(Math.Abs(now - (range.Low / 2 + range.High / 2)) * 0.1);
            range = new FhirDateRange(range.Low - gap, range.High + gap);
        }
        return SearchPrefixes.RangeCondition(prefix, low, high, c.Add(range.Low), c.Add(range.High));
    }

    internal static string Shorten(string s) => s.Length > 64 ? s[..64] + "…" : s;
}
