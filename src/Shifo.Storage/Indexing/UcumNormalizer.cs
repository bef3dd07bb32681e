namespace Shifo.Storage.Indexing;

/// <summary>
/// Brings a UCUM quantity to a canonical unit so that 5 mg and 0.005 g are found by the same search: metric
/// prefixes are folded into the value and time units become seconds, for units of the form "atom", "atom/atom"
/// or with integer exponents ("kg/m2"). Units it does not understand are kept as they are with the value unchanged.
/// </summary>
public static class UcumNormalizer
{
    public const string UcumSystem = "http://unitsofmeasure.org";

    private static readonly Dictionary<string, double> Prefixes = new(StringComparer.Ordinal)
    {
        ["Y"] = 1e24, ["Z"] = 1e21, ["E"] = 1e18, ["P"] = 1e15, ["T"] = 1e12, ["G"] = 1e9, ["M"] = 1e6, ["k"] = 1e3,
        ["h"] = 1e2, ["da"] = 1e1, ["d"] = 1e-1, ["c"] = 1e-2, ["m"] = 1e-3, ["u"] = 1e-6, ["n"] = 1e-9, ["p"] = 1e-12,
        ["f"] = 1e-15,
    };

    // atoms that take metric prefixes, and what they are in canonical terms
    private static readonly Dictionary<string, (double Factor, string Canonical)> Metric = new(StringComparer.Ordinal)
    {
        ["g"] = (1, "g"), ["L"] = (1, "L"), ["l"] = (1, "L"), ["m"] = (1, "m"), ["s"] = (1, "s"), ["mol"] = (1, "mol"),
        ["eq"] = (1, "eq"), ["U"] = (1, "U"), ["Pa"] = (1, "Pa"), ["Hz"] = (1, "Hz"), ["J"] = (1, "J"),
    };

    // atoms without prefixes
    private static readonly Dictionary<string, (double Factor, string Canonical)> Plain = new(StringComparer.Ordinal)
    {
        ["min"] = (60, "s"), ["h"] = (3600, "s"), ["d"] = (86400, "s"), ["wk"] = (604800, "s"),
        ["mo"] = (2629800, "s"), ["a"] = (31557600, "s"), ["%"] = (0.01, "1"), ["1"] = (1, "1"),
        ["[lb_av]"] = (453.59237, "g"), ["[in_i]"] = (0.0254, "m"), ["mm[Hg]"] = (133.322387415, "Pa"),
        ["Cel"] = (1, "Cel"), ["[degF]"] = (1, "[degF]"),
    };

    /// <summary>The canonical unit and the factor to multiply the value by, or null when the unit is not understood.</summary>
    public static (string Code, double Factor)? Canonicalize(string? unit)
    {
        if (string.IsNullOrWhiteSpace(unit)) return null;
        var parts = unit.Split('/');
        if (parts.Length > 2) return null;
        var numerator = Atom(parts[0]);
        if (numerator is null) return null;
        if (parts.Length == 1) return numerator;
        var denominator = Atom(parts[1]);
        if (denominator is null) return null;
        return (numerator.Value.Code + "/" + denominator.Value.Code, numerator.Value.Factor / denominator.Value.Factor);
    }

    private static (string Code, double Factor)? Atom(string text)
    {
        if (text.Length == 0) return null;
        // a trailing integer exponent: m2, s-1 (not for "1" itself)
        var exponent = 1;
        var end = text.Length;
        while (end > 0 && char.IsDigit(text[end - 1])) end--;
        if (end > 0 && text[end - 1] == '-' ) end--;
        if (end > 0 && end < text.Length && !text.EndsWith(']') && int.TryParse(text[end..], out var e) && e != 0)
        {
            exponent = e;
            text = text[..end];
        }
        (string Code, double Factor)? found = null;
        if (Plain.TryGetValue(text, out var p)) found = (p.Canonical, p.Factor);
        else if (Metric.TryGetValue(text, out var m)) found = (m.Canonical, m.Factor);
        else
        {
            foreach (var (prefix, factor) in Prefixes)
            {
                if (text.Length > prefix.Length && text.StartsWith(prefix, StringComparison.Ordinal)
                    && Metric.TryGetValue(text[prefix.Length..], out var unit))
                {
                    found = (unit.Canonical, factor * unit.Factor);
                    break;
                }
            }
        }
        if (found is null) return null;
        return exponent == 1 ? found : (found.Value.Code + exponent, Math.Pow(found.Value.Factor, exponent));
    }
}
