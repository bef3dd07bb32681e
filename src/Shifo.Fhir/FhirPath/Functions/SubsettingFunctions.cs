namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>single, first, last, tail, skip, take, intersect, exclude.</summary>
internal static class SubsettingFunctions
{
    public static void Register(Registrar add)
    {
        add("single", 0, 0, static (_, focus, _, _) => Collections.Of(Collections.SingleOrNone(focus, "single()")));
        add("first", 0, 0, static (_, focus, _, _) => focus.Count <= 1 ? focus : Collections.Single(focus[0]));
        add("last", 0, 0, static (_, focus, _, _) => focus.Count <= 1 ? focus : Collections.Single(focus[^1]));
        add("tail", 0, 0, static (_, focus, _, _) => focus.Count <= 1 ? Collections.Empty : focus.Skip(1).ToList());
        add("skip", 1, 1, static (s, focus, args, input) =>
        {
            var n = Args.Integer(s, args, 0, input, "skip") ?? 0;
            return n <= 0 ? focus : focus.Skip((int)Math.Min(n, int.MaxValue)).ToList();
        });
        add("take", 1, 1, static (s, focus, args, input) =>
        {
            var n = Args.Integer(s, args, 0, input, "take") ?? 0;
            return n <= 0 ? Collections.Empty : n >= focus.Count ? focus : focus.Take((int)n).ToList();
        });
        add("intersect", 1, 1, static (s, focus, args, input) =>
        {
            var other = args[0](s, input);
            var result = new List<object>();
            foreach (var x in focus)
                if (Operators.Contains(other, x) && !Operators.Contains(result, x)) result.Add(x);
            return result;
        });
        add("exclude", 1, 1, static (s, focus, args, input) =>
        {
            var other = args[0](s, input);
            return focus.Where(x => !Operators.Contains(other, x)).ToList();
        });
    }
}
