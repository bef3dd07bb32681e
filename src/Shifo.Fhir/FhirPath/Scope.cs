using Shifo.Fhir.Model;

namespace Shifo.Fhir.FhirPath;

/// <summary>A compiled (sub)expression: from the input collection to the output collection.</summary>
internal delegate IReadOnlyList<object> Eval(Scope scope, IReadOnlyList<object> input);

/// <summary>
/// The mutable state of one evaluation: $this, $index, $total and the environment. Functions that iterate set
/// $this/$index and restore them afterwards, so one Scope serves the whole evaluation without allocation.
/// </summary>
internal sealed class Scope
{
    public object? This;
    public int Index;
    public IReadOnlyList<object> Total = Collections.Empty;
    public ElementNode? Context;
    public ElementNode? Resource;
    public ElementNode? RootResource;
    public EvaluationContext? Environment;
    public bool StrictNames;
    /// <summary>Results of focus-independent subexpressions computed in this evaluation (see Compiler.Memoized).</summary>
    public Dictionary<int, IReadOnlyList<object>>? Memo;

    /// <summary>Evaluates <paramref name="body"/> once per item with $this and $index set: the heart of where/select/all/exists.</summary>
    public IReadOnlyList<object> WithThis(object item, int index, Eval body)
    {
        var savedThis = This;
        var savedIndex = Index;
        This = item;
        Index = index;
        try { return body(this, Collections.Single(item)); }
        finally { This = savedThis; Index = savedIndex; }
    }
}

/// <summary>Shared collection helpers; results are read-only lists and the common ones are preallocated.</summary>
internal static class Collections
{
    public static readonly IReadOnlyList<object> Empty = Array.Empty<object>();
    public static readonly IReadOnlyList<object> True = [FhirPathValues.True];
    public static readonly IReadOnlyList<object> False = [FhirPathValues.False];

    private static readonly IReadOnlyList<object>[] SmallIntegers =
        Enumerable.Range(0, 256).Select(i => (IReadOnlyList<object>)new object[] { (long)i }).ToArray();

    /// <summary>An Integer result; counts and indexes are small, so these come preallocated.</summary>
    public static IReadOnlyList<object> Integer(long n) => n is >= 0 and < 256 ? SmallIntegers[n] : new object[] { n };

    public static IReadOnlyList<object> Single(object item) => item is bool b ? (b ? True : False) : new[] { item };
    public static IReadOnlyList<object> Bool(bool b) => b ? True : False;
    public static IReadOnlyList<object> Bool(bool? b) => b is null ? Empty : b.Value ? True : False;
    public static IReadOnlyList<object> Of(object? item) => item is null ? Empty : Single(item);

    /// <summary>The single item of a collection, null when empty; an error when there are several.</summary>
    public static object? SingleOrNone(IReadOnlyList<object> items, string what)
    {
        if (items.Count == 0) return null;
        if (items.Count > 1) throw new FhirPathEvaluationException($"{what} expects a single item, but got a collection of {items.Count}.");
        return items[0];
    }

    /// <summary>Singleton evaluation in a boolean context: empty is null, a Boolean is itself, another single item is true.</summary>
    public static bool? ToBoolean(IReadOnlyList<object> items, string what)
    {
        var item = SingleOrNone(items, what);
        if (item is null) return null;
        var v = FhirPathValues.Normalize(item);
        return v is bool b ? b : true;
    }

    /// <summary>A Boolean or nothing: for criteria that must be Boolean (iif, all, where).</summary>
    public static bool? ToStrictBoolean(IReadOnlyList<object> items, string what)
    {
        var item = SingleOrNone(items, what);
        if (item is null) return null;
        return FhirPathValues.Normalize(item) is bool b ? b : throw new FhirPathEvaluationException($"{what} expects a Boolean, but got {FhirPathValues.TypeNameOf(item)}.");
    }
}
