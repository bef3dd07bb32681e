namespace Shifo.Fhir.FhirPath;

/// <summary>
/// Removing duplicates by FHIRPath equality (union, distinct, isDistinct). Pairwise equality is quadratic, which
/// hurts on the long collections invariants build (all references of a resource in dom-3, every code of a
/// CodeSystem in csd-1); when every item is a String, equality is ordinal string equality and a hash set does it.
/// </summary>
internal static class Deduplication
{
    private const int HashFrom = 8;

    /// <summary>The items of <paramref name="a"/> then <paramref name="b"/> without duplicates, each at its first appearance.</summary>
    public static List<object> Distinct(IReadOnlyList<object> a, IReadOnlyList<object> b)
    {
        var result = new List<object>(a.Count + b.Count);
        if (a.Count + b.Count >= HashFrom && AllStrings(a, b, out var keys))
        {
            var seen = new HashSet<string>(keys.Length, StringComparer.Ordinal);
            for (var i = 0; i < keys.Length; i++)
                if (seen.Add(keys[i])) result.Add(i < a.Count ? a[i] : b[i - a.Count]);
            return result;
        }
        foreach (var x in a) if (!Operators.Contains(result, x)) result.Add(x);
        foreach (var x in b) if (!Operators.Contains(result, x)) result.Add(x);
        return result;
    }

    /// <summary>The String value of every item, or false when some item is not a String.</summary>
    private static bool AllStrings(IReadOnlyList<object> a, IReadOnlyList<object> b, out string[] keys)
    {
        keys = new string[a.Count + b.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            if (FhirPathValues.Normalize(i < a.Count ? a[i] : b[i - a.Count]) is not string s) return false;
            keys[i] = s;
        }
        return true;
    }
}
