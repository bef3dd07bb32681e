namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>
/// A function body: <paramref name="focus"/> is the collection the function is invoked on; <paramref name="args"/> are the
/// compiled arguments, evaluated by the function itself (once against <paramref name="input"/>, or per item as lambdas).
/// </summary>
internal delegate IReadOnlyList<object> FunctionBody(Scope s, IReadOnlyList<object> focus, Eval[] args, IReadOnlyList<object> input);

internal sealed record FunctionDef(string Name, int MinArgs, int MaxArgs, FunctionBody Body);

/// <summary>Every function by name; each family registers its own in its file.</summary>
internal static class FunctionTable
{
    private static readonly Dictionary<string, FunctionDef> Table = Build();

    public static FunctionDef? Find(string name) => Table.GetValueOrDefault(name);

    private static Dictionary<string, FunctionDef> Build()
    {
        var table = new Dictionary<string, FunctionDef>(StringComparer.Ordinal);
        void Add(string name, int min, int max, FunctionBody body) => table.Add(name, new FunctionDef(name, min, max, body));
        ExistenceFunctions.Register(Add);
        FilteringFunctions.Register(Add);
        SubsettingFunctions.Register(Add);
        CombiningFunctions.Register(Add);
        ConversionFunctions.Register(Add);
        StringFunctions.Register(Add);
        MathFunctions.Register(Add);
        TreeFunctions.Register(Add);
        UtilityFunctions.Register(Add);
        AggregateFunctions.Register(Add);
        BoundaryFunctions.Register(Add);
        FhirFunctions.Register(Add);
        return table;
    }
}

internal delegate void Registrar(string name, int minArgs, int maxArgs, FunctionBody body);

/// <summary>Helpers the function families share.</summary>
internal static class Args
{
    /// <summary>Evaluates argument <paramref name="i"/> once, against the input of the call, and returns its single item or null.</summary>
    public static object? Single(Scope s, Eval[] args, int i, IReadOnlyList<object> input, string function)
    {
        var item = Collections.SingleOrNone(args[i](s, input), function + "()");
        return item is null ? null : FhirPathValues.Normalize(item);
    }

    public static long? Integer(Scope s, Eval[] args, int i, IReadOnlyList<object> input, string function) =>
        Single(s, args, i, input, function) switch
        {
            null => null,
            long l => l,
            var v => throw new FhirPathEvaluationException($"{function}() expects an Integer argument, but got {FhirPathValues.TypeNameOf(v)}."),
        };

    public static string? String(Scope s, Eval[] args, int i, IReadOnlyList<object> input, string function) =>
        Single(s, args, i, input, function) switch
        {
            null => null,
            string t => t,
            var v => throw new FhirPathEvaluationException($"{function}() expects a String argument, but got {FhirPathValues.TypeNameOf(v)}."),
        };

    /// <summary>The focus as a single String; null when empty; an error for several items or another type.</summary>
    public static string? FocusString(IReadOnlyList<object> focus, string function)
    {
        var item = Collections.SingleOrNone(focus, function + "()");
        if (item is null) return null;
        return FhirPathValues.Normalize(item) as string
            ?? throw new FhirPathEvaluationException($"{function}() expects a String, but got {FhirPathValues.TypeNameOf(item)}.");
    }
}
