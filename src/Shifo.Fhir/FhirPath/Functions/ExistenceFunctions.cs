namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>empty, exists, all, allTrue/anyTrue/allFalse/anyFalse, subsetOf, supersetOf, count, distinct, isDistinct.</summary>
internal static class ExistenceFunctions
{
    public static void Register(Registrar add)
    {
        add("empty", 0, 0, static (_, focus, _, _) => Collections.Bool(focus.Count == 0));
        add("exists", 0, 1, static (s, focus, args, _) =>
        {
            if (args.Length == 0) return Collections.Bool(focus.Count > 0);
            for (var i = 0; i < focus.Count; i++)
                if (Collections.ToBoolean(s.WithThis(focus[i], i, args[0]), "exists()") == true) return Collections.True;
            return Collections.False;
        });
        add("all", 1, 1, static (s, focus, args, _) =>
        {
            for (var i = 0; i < focus.Count; i++)
                if (Collections.ToBoolean(s.WithThis(focus[i], i, args[0]), "all()") != true) return Collections.False;
            return Collections.True;
        });
        add("allTrue", 0, 0, static (_, focus, _, _) => Collections.Bool(Booleans(focus, "allTrue").All(b => b)));
        add("anyTrue", 0, 0, static (_, focus, _, _) => Collections.Bool(Booleans(focus, "anyTrue").Any(b => b)));
        add("allFalse", 0, 0, static (_, focus, _, _) => Collections.Bool(Booleans(focus, "allFalse").All(b => !b)));
        add("anyFalse", 0, 0, static (_, focus, _, _) => Collections.Bool(Booleans(focus, "anyFalse").Any(b => !b)));
        add("subsetOf", 1, 1, static (s, focus, args, input) =>
        {
            var other = args[0](s, input);
            return Collections.Bool(focus.All(x => Operators.Contains(other, x)));
        });
        add("supersetOf", 1, 1, static (s, focus, args, input) =>
        {
            var other = args[0](s, input);
            return Collections.Bool(other.All(x => Operators.Contains(focus, x)));
        });
        add("count", 0, 0, static (_, focus, _, _) => Collections.Integer(focus.Count));
        add("distinct", 0, 0, static (_, focus, _, _) => Distinct(focus));
        add("isDistinct", 0, 0, static (_, focus, _, _) => Collections.Bool(Distinct(focus).Count == focus.Count));
    }

    public static IReadOnlyList<object> Distinct(IReadOnlyList<object> focus)
    {
        if (focus.Count <= 1) return focus;
        return Deduplication.Distinct(focus, Collections.Empty);
    }

    private static IEnumerable<bool> Booleans(IReadOnlyList<object> focus, string function)
    {
        foreach (var item in focus)
        {
            yield return FhirPathValues.Normalize(item) is bool b
                ? b
                : throw new FhirPathEvaluationException($"{function}() expects Booleans, but got {FhirPathValues.TypeNameOf(item)}.");
        }
    }
}
