using System.Collections.Concurrent;
using System.Globalization;

namespace Shifo.Fhir.FhirPath;

/// <summary>
/// The part of UCUM that FHIRPath quantity comparison needs: units reduced to a factor over base dimensions
/// (metre, gram, second, mole, kelvin, ...), with the metric prefixes, exponents, products, quotients and
/// annotations. Units outside this table are comparable only with themselves.
/// </summary>
public static class Ucum
{
    /// <summary>A unit in base terms: value_in_base = value * Factor, with the exponent of each base dimension.</summary>
    public sealed record Canonical(decimal Factor, IReadOnlyDictionary<string, int> Dimensions)
    {
        public bool SameDimensions(Canonical other) =>
            Dimensions.Count == other.Dimensions.Count
            && Dimensions.All(kv => other.Dimensions.TryGetValue(kv.Key, out var e) && e == kv.Value);
    }

    private static readonly Dictionary<string, (decimal Factor, string Base)> Atoms = new(StringComparer.Ordinal)
    {
        // base units
        ["m"] = (1m, "m"), ["g"] = (1m, "g"), ["s"] = (1m, "s"), ["mol"] = (1m, "mol"), ["K"] = (1m, "K"),
        ["A"] = (1m, "A"), ["cd"] = (1m, "cd"), ["rad"] = (1m, "rad"),
        // dimensionless
        ["1"] = (1m, ""), ["%"] = (0.01m, ""), ["[ppm]"] = (0.000001m, ""),
        // volume
        ["L"] = (0.001m, "m3"), ["l"] = (0.001m, "m3"), ["[gal_us]"] = (0.003785411784m, "m3"), ["[foz_us]"] = (0.0000295735295625m, "m3"),
        // time (UCUM's mean Julian year and month)
        ["min"] = (60m, "s"), ["h"] = (3600m, "s"), ["d"] = (86400m, "s"), ["wk"] = (604800m, "s"),
        ["mo"] = (2629800m, "s"), ["a"] = (31557600m, "s"),
        // customary length and mass
        ["[in_i]"] = (0.0254m, "m"), ["[ft_i]"] = (0.3048m, "m"), ["[yd_i]"] = (0.9144m, "m"), ["[mi_i]"] = (1609.344m, "m"),
        ["[lb_av]"] = (453.59237m, "g"), ["[oz_av]"] = (28.349523125m, "g"), ["[stone_av]"] = (6350.29318m, "g"),
        ["[gr]"] = (0.06479891m, "g"), ["t"] = (1000000m, "g"),
        // derived units
        ["Hz"] = (1m, "s-1"), ["N"] = (1000m, "g.m.s-2"), ["Pa"] = (1000m, "g.m-1.s-2"), ["J"] = (1000m, "g.m2.s-2"),
        ["W"] = (1000m, "g.m2.s-3"), ["m[Hg]"] = (133322000m, "g.m-1.s-2"), ["m[H2O]"] = (9806650m, "g.m-1.s-2"),
        ["bar"] = (100000000m, "g.m-1.s-2"), ["cal"] = (4184m, "g.m2.s-2"), ["[Cal]"] = (4184000m, "g.m2.s-2"),
        ["eq"] = (1m, "mol"), ["osm"] = (1m, "mol"), ["kat"] = (1m, "mol.s-1"), ["U"] = (0.000001m / 60m, "mol.s-1"),
        ["[iU]"] = (1m, "[iU]"), ["[IU]"] = (1m, "[iU]"), ["[arb'U]"] = (1m, "[arb'U]"), ["[pH]"] = (1m, "[pH]"),
        ["[drp]"] = (0.00000005m, "m3"), ["[degF]"] = (5m / 9m, "K"),
    };

    private static readonly (string Prefix, decimal Factor)[] Prefixes =
    [
        ("da", 10m), ("Y", 1e24m), ("Z", 1e21m), ("E", 1e18m), ("P", 1e15m), ("T", 1e12m), ("G", 1e9m), ("M", 1e6m),
        ("k", 1e3m), ("h", 1e2m), ("d", 0.1m), ("c", 0.01m), ("m", 0.001m), ("u", 0.000001m), ("n", 1e-9m),
        ("p", 1e-12m), ("f", 1e-15m),
    ];

    private static readonly ConcurrentDictionary<string, Canonical?> Cache = new(StringComparer.Ordinal);

    /// <summary>The unit in base terms, or null when it is not a UCUM unit this table knows.</summary>
    public static Canonical? ToCanonical(string unit) => Cache.GetOrAdd(unit, u =>
    {
        try
        {
            var i = 0;
            var result = ParseTerm(u, ref i);
            return i == u.Length ? result : null;
        }
        catch (FormatException)
        {
            return null;
        }
    });

    /// <summary>Whether the two units measure the same dimension (so values convert).</summary>
    public static bool Comparable(string a, string b) =>
        a == b || (ToCanonical(a) is { } ca && ToCanonical(b) is { } cb && ca.SameDimensions(cb));

    private static Canonical ParseTerm(string s, ref int i)
    {
        var factor = 1m;
        var dims = new Dictionary<string, int>(StringComparer.Ordinal);
        var divide = false;
        if (i < s.Length && s[i] == '/') { divide = true; i++; }
        while (true)
        {
            var part = ParseComponent(s, ref i);
            Combine(ref factor, dims, part, divide ? -1 : 1);
            if (i < s.Length && s[i] == '.') { divide = false; i++; continue; }
            if (i < s.Length && s[i] == '/') { divide = true; i++; continue; }
            break;
        }
        return new Canonical(factor, dims);
    }

    private static void Combine(ref decimal factor, Dictionary<string, int> dims, Canonical part, int sign)
    {
        factor = sign > 0 ? factor * part.Factor : factor / part.Factor;
        foreach (var (k, e) in part.Dimensions)
        {
            var v = dims.GetValueOrDefault(k) + sign * e;
            if (v == 0) dims.Remove(k); else dims[k] = v;
        }
    }

    private static Canonical ParseComponent(string s, ref int i)
    {
        if (i < s.Length && s[i] == '(')
        {
            i++;
            var inner = ParseTerm(s, ref i);
            if (i >= s.Length || s[i] != ')') throw new FormatException();
            i++;
            return inner;
        }
        if (i < s.Length && s[i] == '{')
        {
            SkipAnnotation(s, ref i);
            return new Canonical(1m, new Dictionary<string, int>());
        }
        var start = i;
        while (i < s.Length && s[i] is not ('.' or '/' or '(' or ')' or '{'))
        {
            if (s[i] == '[') { while (i < s.Length && s[i] != ']') i++; }
            i++;
        }
        var text = s[start..i];
        if (i < s.Length && s[i] == '{') SkipAnnotation(s, ref i);
        if (text.Length == 0) throw new FormatException();
        return Simple(text);
    }

    private static void SkipAnnotation(string s, ref int i)
    {
        while (i < s.Length && s[i] != '}') i++;
        if (i >= s.Length) throw new FormatException();
        i++;
    }

    private static Canonical Simple(string text)
    {
        // 10*3 and 10^3 are powers of ten
        if (text.StartsWith("10*", StringComparison.Ordinal) || text.StartsWith("10^", StringComparison.Ordinal))
        {
            var exp = int.Parse(text[3..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return new Canonical(Pow10(exp), new Dictionary<string, int>());
        }
        // a trailing (signed) integer is the exponent, unless the whole text is a number
        var j = text.Length;
        while (j > 0 && char.IsAsciiDigit(text[j - 1])) j--;
        if (j > 0 && text[j - 1] is '+' or '-') j--;
        var atom = text;
        var exponent = 1;
        if (j > 0 && j < text.Length)
        {
            atom = text[..j];
            exponent = int.Parse(text[j..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        else if (j == 0)
        {
            // a plain number such as "1" or "100"
            return new Canonical(decimal.Parse(text, CultureInfo.InvariantCulture), new Dictionary<string, int>());
        }
        var unit = Atom(atom) ?? throw new FormatException();
        var factor = 1m;
        var dims = new Dictionary<string, int>(StringComparer.Ordinal);
        Combine(ref factor, dims, Power(unit, exponent), 1);
        return new Canonical(factor, dims);
    }

    private static Canonical Power(Canonical c, int exponent)
    {
        var f = 1m;
        for (var k = 0; k < Math.Abs(exponent); k++) f *= c.Factor;
        if (exponent < 0) f = 1m / f;
        return new Canonical(f, c.Dimensions.ToDictionary(kv => kv.Key, kv => kv.Value * exponent));
    }

    private static Canonical? Atom(string atom)
    {
        if (Atoms.TryGetValue(atom, out var a)) return Expand(a.Factor, a.Base);
        foreach (var (prefix, pf) in Prefixes)
        {
            if (atom.Length > prefix.Length && atom.StartsWith(prefix, StringComparison.Ordinal)
                && Atoms.TryGetValue(atom[prefix.Length..], out var b))
                return Expand(pf * b.Factor, b.Base);
        }
        return null;
    }

    private static Canonical Expand(decimal factor, string baseUnits)
    {
        var dims = new Dictionary<string, int>(StringComparer.Ordinal);
        if (baseUnits.Length > 0)
        {
            foreach (var part in baseUnits.Split('.'))
            {
                var j = part.Length;
                while (j > 0 && (char.IsAsciiDigit(part[j - 1]) || part[j - 1] == '-')) j--;
                if (j == 0 || part[0] == '[') { dims[part] = 1; continue; }
                var e = j < part.Length ? int.Parse(part[j..], CultureInfo.InvariantCulture) : 1;
                dims[part[..j]] = dims.GetValueOrDefault(part[..j]) + e;
            }
        }
        return new Canonical(factor, dims);
    }

    private static decimal Pow10(int exp)
    {
        var f = 1m;
        for (var k = 0; k < Math.Abs(exp); k++) f *= 10m;
        return exp < 0 ? 1m / f : f;
    }
}
