namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>union (no duplicates) and combine (keeps duplicates).</summary>
internal static class CombiningFunctions
{
    public static void Register(Registrar add)
    {
        add("union", 1, 1, static (s, focus, args, input) => Operators.Union(focus, args[0](s, input)));
        add("combine", 1, 1, static (s, focus, args, input) =>
        {
            var other = args[0](s, input);
            if (other.Count == 0) return focus;
            if (focus.Count == 0) return other;
            var result = new List<object>(focus.Count + other.Count);
            result.AddRange(focus);
            result.AddRange(other);
            return result;
        });
    }
}
