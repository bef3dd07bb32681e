namespace Shifo.Fhir.FhirPath;

/// <summary>The FHIRPath operators over collections: equality, comparison, membership, logic and arithmetic.</summary>
internal static class Operators
{
    public static Func<IReadOnlyList<object>, IReadOnlyList<object>, IReadOnlyList<object>> Binary(string op) => op switch
    {
        "=" => (l, r) => Collections.Bool(Equal(l, r)),
        "!=" => (l, r) => Collections.Bool(Equal(l, r) is { } b ? !b : null),
        "~" => (l, r) => Collections.Bool(Equivalent(l, r)),
        "!~" => (l, r) => Collections.Bool(!Equivalent(l, r)),
        "<" => (l, r) => Compare(l, r, c => c < 0, op),
        ">" => (l, r) => Compare(l, r, c => c > 0, op),
        "<=" => (l, r) => Compare(l, r, c => c <= 0, op),
        ">=" => (l, r) => Compare(l, r, c => c >= 0, op),
        "|" => Union,
        "in" => (l, r) => Membership(l, r, "in"),
        "contains" => (l, r) => Membership(r, l, "contains"),
        "&" => Concatenate,
        "+" or "-" or "*" or "/" or "div" or "mod" => (l, r) => Arithmetic.Apply(op, l, r),
        _ => throw new InvalidOperationException("not a value operator: " + op),
    };

    public static bool? Equal(IReadOnlyList<object> l, IReadOnlyList<object> r)
    {
        if (l.Count == 0 || r.Count == 0) return null;
        if (l.Count != r.Count) return false;
        for (var i = 0; i < l.Count; i++)
        {
            var e = FhirPathValues.ItemsEqual(l[i], r[i]);
            if (e != true) return e;
        }
        return true;
    }

    public static bool Equivalent(IReadOnlyList<object> l, IReadOnlyList<object> r)
    {
        if (l.Count != r.Count) return false;
        if (l.Count == 1) return FhirPathValues.ItemsEquivalent(l[0], r[0]);
        // order does not matter: every item must find a partner not used yet
        var used = new bool[r.Count];
        foreach (var a in l)
        {
            var found = false;
            for (var j = 0; j < r.Count; j++)
            {
                if (used[j] || !FhirPathValues.ItemsEquivalent(a, r[j])) continue;
                used[j] = found = true;
                break;
            }
            if (!found) return false;
        }
        return true;
    }

    private static IReadOnlyList<object> Compare(IReadOnlyList<object> l, IReadOnlyList<object> r, Func<int, bool> test, string op)
    {
        var a = Collections.SingleOrNone(l, $"'{op}'");
        var b = Collections.SingleOrNone(r, $"'{op}'");
        if (a is null || b is null) return Collections.Empty;
        return FhirPathValues.CompareItems(a, b) is { } c ? Collections.Bool(test(c)) : Collections.Empty;
    }

    /// <summary>True when the collection holds an item equal to <paramref name="item"/>.</summary>
    public static bool Contains(IReadOnlyList<object> items, object item)
    {
        foreach (var x in items)
            if (FhirPathValues.ItemsEqual(x, item) == true) return true;
        return false;
    }

    /// <summary>Items of both, without duplicates, in order of first appearance.</summary>
    public static IReadOnlyList<object> Union(IReadOnlyList<object> l, IReadOnlyList<object> r)
    {
        if (r.Count == 0 && l.Count <= 1) return l;
        return Deduplication.Distinct(l, r);
    }

    private static IReadOnlyList<object> Membership(IReadOnlyList<object> single, IReadOnlyList<object> collection, string op)
    {
        var item = Collections.SingleOrNone(single, $"'{op}'");
        if (item is null) return Collections.Empty;
        return Collections.Bool(Contains(collection, item));
    }

    private static IReadOnlyList<object> Concatenate(IReadOnlyList<object> l, IReadOnlyList<object> r)
    {
        var a = Collections.SingleOrNone(l, "'&'");
        var b = Collections.SingleOrNone(r, "'&'");
        return Collections.Single(Text(a) + Text(b));

        static string Text(object? o) => o is null ? "" : FhirPathValues.ToStringValue(o)
            ?? throw new FhirPathEvaluationException($"'&' expects strings, but got {FhirPathValues.TypeNameOf(o)}.");
    }

    /// <summary>Three-valued logic; the right side is only evaluated when it can change the answer.</summary>
    public static Eval Logic(string op, Eval left, Eval right) => op switch
    {
        "and" => (s, input) =>
        {
            var a = Collections.ToBoolean(left(s, input), "'and'");
            if (a == false) return Collections.False;
            var b = Collections.ToBoolean(right(s, input), "'and'");
            if (b == false) return Collections.False;
            return a == true && b == true ? Collections.True : Collections.Empty;
        },
        "or" => (s, input) =>
        {
            var a = Collections.ToBoolean(left(s, input), "'or'");
            if (a == true) return Collections.True;
            var b = Collections.ToBoolean(right(s, input), "'or'");
            if (b == true) return Collections.True;
            return a == false && b == false ? Collections.False : Collections.Empty;
        },
        "xor" => (s, input) =>
        {
            var a = Collections.ToBoolean(left(s, input), "'xor'");
            var b = Collections.ToBoolean(right(s, input), "'xor'");
            return a is null || b is null ? Collections.Empty : Collections.Bool(a != b);
        },
        "implies" => (s, input) =>
        {
            var a = Collections.ToBoolean(left(s, input), "'implies'");
            if (a == false) return Collections.True;
            var b = Collections.ToBoolean(right(s, input), "'implies'");
            if (b == true) return Collections.True;
            return a == true && b == false ? Collections.False : Collections.Empty;
        },
        _ => throw new InvalidOperationException("not a logical operator: " + op),
    };
}
