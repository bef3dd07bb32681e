namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>
/// is, as and ofType, as operators and as functions. The as() function on several items filters them like ofType():
/// R4's own dom-3 invariant relies on it (<c>descendants().as(canonical)</c>); the as operator keeps the singleton rule.
/// </summary>
internal static class TypeFunctions
{
    public static IReadOnlyList<object> Is(IReadOnlyList<object> focus, TypeSpecifier type)
    {
        var item = Collections.SingleOrNone(focus, "is");
        return item is null ? Collections.Empty : Collections.Bool(type.Matches(item, exact: false));
    }

    public static IReadOnlyList<object> AsFunction(IReadOnlyList<object> focus, TypeSpecifier type) =>
        focus.Count > 1 ? OfType(focus, type) : As(focus, type);

    public static IReadOnlyList<object> As(IReadOnlyList<object> focus, TypeSpecifier type)
    {
        var item = Collections.SingleOrNone(focus, "as");
        return item is not null && type.Matches(item, exact: true) ? focus : Collections.Empty;
    }

    public static IReadOnlyList<object> OfType(IReadOnlyList<object> focus, TypeSpecifier type)
    {
        if (focus.Count == 0) return focus;
        var result = new List<object>();
        foreach (var item in focus)
            if (type.Matches(item, exact: true)) result.Add(item);
        return result;
    }
}
