namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>not, trace, now, today, timeOfDay, type, sort.</summary>
internal static class UtilityFunctions
{
    public static void Register(Registrar add)
    {
        add("not", 0, 0, static (_, focus, _, _) => Collections.ToBoolean(focus, "not()") is { } b ? Collections.Bool(!b) : Collections.Empty);
        add("trace", 1, 2, static (s, focus, args, input) =>
        {
            var name = Args.String(s, args, 0, input, "trace") ?? "";
            if (s.Environment?.Trace is { } trace)
            {
                IReadOnlyList<object> shown = focus;
                if (args.Length > 1)
                {
                    var projected = new List<object>();
                    for (var i = 0; i < focus.Count; i++) projected.AddRange(s.WithThis(focus[i], i, args[1]));
                    shown = projected;
                }
                trace(name, shown);
            }
            return focus;
        });
        add("now", 0, 0, static (_, _, _, _) => Collections.Single(FhirPathDateTime.Now()));
        add("today", 0, 0, static (_, _, _, _) =>
        {
            var now = DateTime.Now;
            return Collections.Single(new FhirPathDate(now.Year, now.Month, now.Day, TemporalPrecision.Day));
        });
        add("timeOfDay", 0, 0, static (_, _, _, _) =>
        {
            var now = DateTime.Now;
            return Collections.Single(new FhirPathTime(now.Hour, now.Minute, now.Second, now.Millisecond, TemporalPrecision.Millisecond));
        });
        add("type", 0, 0, static (_, focus, _, _) => focus.Select(x => (object)TypeSpecifier.TypeOf(x)).ToList());
    }

    /// <summary>sort(keys...): stable, by each key in turn; a key written as -key sorts descending; empty keys sort first either way.</summary>
    public static IReadOnlyList<object> Sort(Scope s, IReadOnlyList<object> focus, (Eval Key, bool Descending)[] keys)
    {
        if (focus.Count <= 1) return focus;
        var keyed = new List<(object Item, IReadOnlyList<object>[] Keys)>(focus.Count);
        for (var i = 0; i < focus.Count; i++)
        {
            var values = new IReadOnlyList<object>[Math.Max(keys.Length, 1)];
            if (keys.Length == 0) values[0] = Collections.Single(focus[i]);
            else for (var k = 0; k < keys.Length; k++) values[k] = s.WithThis(focus[i], i, keys[k].Key);
            keyed.Add((focus[i], values));
        }
        var comparer = Comparer<(object Item, IReadOnlyList<object>[] Keys)>.Create((a, b) =>
        {
            for (var k = 0; k < a.Keys.Length; k++)
            {
                var (x, y) = (a.Keys[k], b.Keys[k]);
                // empty keys come first in either direction
                if (x.Count == 0 || y.Count == 0)
                {
                    if (x.Count != y.Count) return x.Count == 0 ? -1 : 1;
                    continue;
                }
                var c = CompareKeys(x, y);
                if (c != 0) return keys.Length > 0 && keys[k].Descending ? -c : c;
            }
            return 0;
        });
        return keyed.OrderBy(x => x, comparer).Select(x => x.Item).ToList();
    }

    private static int CompareKeys(IReadOnlyList<object> a, IReadOnlyList<object> b)
    {
        if (a.Count == 0) return b.Count == 0 ? 0 : -1;
        if (b.Count == 0) return 1;
        return FhirPathValues.CompareItems(a[0], b[0]) ?? 0;
    }
}
