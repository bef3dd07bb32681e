namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>where, select, repeat (ofType is compiled with the type operators).</summary>
internal static class FilteringFunctions
{
    public static void Register(Registrar add)
    {
        add("where", 1, 1, static (s, focus, args, _) =>
        {
            if (focus.Count == 0) return focus;
            List<object>? result = null;
            for (var i = 0; i < focus.Count; i++)
                if (Collections.ToBoolean(s.WithThis(focus[i], i, args[0]), "where()") == true) (result ??= []).Add(focus[i]);
            return result ?? Collections.Empty;
        });
        add("select", 1, 1, static (s, focus, args, _) =>
        {
            if (focus.Count == 0) return focus;
            if (focus.Count == 1) return s.WithThis(focus[0], 0, args[0]);
            var result = new List<object>();
            for (var i = 0; i < focus.Count; i++) result.AddRange(s.WithThis(focus[i], i, args[0]));
            return result;
        });
        add("repeat", 1, 1, static (s, focus, args, _) =>
        {
            var result = new List<object>();
            var queue = new Queue<object>(focus);
            while (queue.Count > 0)
            {
                var item = queue.Dequeue();
                foreach (var next in s.WithThis(item, 0, args[0]))
                {
                    // items already seen stop the recursion, so repeat('x') terminates
                    if (Operators.Contains(result, next)) continue;
                    result.Add(next);
                    queue.Enqueue(next);
                }
            }
            return result;
        });
    }
}
