namespace Shifo.Storage.Search;

/// <summary>The comparison prefixes of number, date and quantity search values.</summary>
public enum SearchPrefix { Eq, Ne, Gt, Lt, Ge, Le, Sa, Eb, Ap }

public static class SearchPrefixes
{
    /// <summary>Splits "ge2020-01" into (Ge, "2020-01"); no prefix means eq.</summary>
    public static (SearchPrefix Prefix, string Value) Split(string value)
    {
        if (value.Length > 2 && char.IsLetter(value[0]) && char.IsLetter(value[1]))
        {
            SearchPrefix? p = value[..2] switch
            {
                "eq" => SearchPrefix.Eq, "ne" => SearchPrefix.Ne, "gt" => SearchPrefix.Gt, "lt" => SearchPrefix.Lt,
                "ge" => SearchPrefix.Ge, "le" => SearchPrefix.Le, "sa" => SearchPrefix.Sa, "eb" => SearchPrefix.Eb,
                "ap" => SearchPrefix.Ap, _ => null,
            };
            if (p is not null) return (p.Value, value[2..]);
        }
        return (SearchPrefix.Eq, value);
    }

    /// <summary>
    /// The SQL condition comparing a target range [low, high] with a search range, as the spec defines prefixes on
    /// ranges: eq = the search range contains the target; gt = the target reaches above it; sa = starts after it; ...
    /// </summary>
    public static string RangeCondition(SearchPrefix prefix, string low, string high, string searchLow, string searchHigh)
    {
        // low <= searchHigh follows from high <= searchHigh (a stored range never ends before it starts) but bounds the
        // index scan on (low, high) on both sides and tells the planner how few rows one day is: the planner takes
        // low and high as independent, and estimated 1,130 encounters for a day that had 2
        var contained = $"({low} >= {searchLow} AND {low} <= {searchHigh} AND {high} <= {searchHigh})";
        return prefix switch
        {
            SearchPrefix.Eq => contained,
            SearchPrefix.Ne => $"NOT {contained}",
            SearchPrefix.Gt => $"({high} > {searchHigh})",
            SearchPrefix.Lt => $"({low} < {searchLow})",
            SearchPrefix.Ge => $"({high} > {searchHigh} OR {contained})",
            SearchPrefix.Le => $"({low} < {searchLow} OR {contained})",
            SearchPrefix.Sa => $"({low} > {searchHigh})",
            SearchPrefix.Eb => $"({high} < {searchLow})",
            _ => $"({low} <= {searchHigh} AND {high} >= {searchLow})",
        };
    }
}
