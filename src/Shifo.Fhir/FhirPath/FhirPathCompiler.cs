using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.FhirPath;

/// <summary>Entry point: parses and compiles FHIRPath expressions once, for evaluation any number of times.</summary>
public static class FhirPathCompiler
{
    private static readonly ConcurrentDictionary<string, CompiledExpression> Cache = new(StringComparer.Ordinal);

    /// <summary>Parses and compiles; throws <see cref="FhirPathSyntaxException"/> with the position and what was expected.</summary>
    public static CompiledExpression Compile(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var tree = Parser.Parse(expression);
        return new CompiledExpression(expression, Compiler.Compile(tree), FocusNames.Of(tree));
    }

    /// <summary>The compiled expression for this text, compiled on first use; safe to call from many threads.</summary>
    public static CompiledExpression GetOrCompile(string expression) =>
        Cache.TryGetValue(expression, out var hit) ? hit : Cache.GetOrAdd(expression, Compile);
}

/// <summary>
/// A compiled expression. Results are <see cref="ElementNode"/>s for FHIR data, or System values: <see cref="bool"/>,
/// <see cref="long"/> (Integer), <see cref="decimal"/>, <see cref="string"/>, <see cref="FhirPathDate"/>,
/// <see cref="FhirPathDateTime"/>, <see cref="FhirPathTime"/>, <see cref="FhirPathQuantity"/> (and <see cref="FhirPathTypeInfo"/>
/// from type()). Use <see cref="FhirPathValues.ToSystemValue"/> to turn a primitive node into its System value.
/// Instances are immutable and thread-safe.
/// </summary>
public sealed class CompiledExpression
{
    private readonly Eval _eval;
    // the subject of the error when the result is not a single item; built once, not on every evaluation
    private readonly string _asCondition;

    internal CompiledExpression(string expression, Eval eval, string[]? focusNames)
    {
        Expression = expression;
        _eval = eval;
        _asCondition = $"The expression '{expression}' used as a condition";
        FocusNames = focusNames;
    }

    public string Expression { get; }

    /// <summary>The child names through which alone the expression reads its input, or null (see <see cref="FhirPath.FocusNames"/>).</summary>
    internal string[]? FocusNames { get; }

    /// <summary>Evaluates with <paramref name="focus"/> as the input (and %context); throws <see cref="FhirPathEvaluationException"/> on type errors.</summary>
    public IReadOnlyList<object> Evaluate(ElementNode? focus, EvaluationContext? context = null)
    {
        var resource = context?.Resource ?? focus?.ContainingResource;
        var scope = new Scope
        {
            This = focus,
            Context = focus,
            Resource = resource,
            RootResource = context?.RootResource ?? RootOf(resource),
            Environment = context,
            StrictNames = context?.StrictNames ?? false,
        };
        try
        {
            return _eval(scope, focus is null ? Collections.Empty : new object[] { focus });
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw new FhirPathEvaluationException("A regular expression took too long: " + ex.Message);
        }
    }

    /// <summary>
    /// <see cref="Evaluate"/> on a scope and input array this thread reuses, without an environment: for callers that
    /// evaluate many expressions in a row (the search indexer, some forty per resource). The result must be read before
    /// the next such evaluation on the thread, since it may be the reused input itself.
    /// </summary>
    public IReadOnlyList<object> EvaluateReusingScope(ElementNode focus)
    {
        var scope = t_scope ??= new Scope();
        var input = t_input ??= new object[1];
        var resource = focus.ContainingResource;
        scope.This = focus;
        scope.Context = focus;
        scope.Index = 0;
        scope.Total = Collections.Empty;
        scope.Resource = resource;
        scope.RootResource = RootOf(resource);
        scope.Environment = null;
        scope.StrictNames = false;
        scope.Memo?.Clear(); // memoized results hold for one evaluation only
        input[0] = focus;
        try
        {
            return _eval(scope, input);
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw new FhirPathEvaluationException("A regular expression took too long: " + ex.Message);
        }
    }

    [ThreadStatic] private static Scope? t_scope;
    [ThreadStatic] private static object[]? t_input;

    /// <summary>
    /// Evaluates as a condition: empty gives null, a single Boolean its value, any other single item true;
    /// several items are an error (<see cref="FhirPathEvaluationException"/>).
    /// </summary>
    public bool? EvaluateBoolean(ElementNode? focus, EvaluationContext? context = null) =>
        Collections.ToBoolean(Evaluate(focus, context), _asCondition);

    /// <summary>
    /// <see cref="EvaluateBoolean(ElementNode?, EvaluationContext?)"/> on a reused scope and input array: for callers that
    /// evaluate many expressions in a row on one thread (the validator), so that an evaluation allocates neither.
    /// </summary>
    internal bool? EvaluateBoolean(ElementNode focus, ReusableEvaluation reused)
    {
        var (scope, input) = reused.Prepare(focus);
        try
        {
            return Collections.ToBoolean(_eval(scope, input), _asCondition);
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw new FhirPathEvaluationException("A regular expression took too long: " + ex.Message);
        }
    }

    /// <summary>%rootResource: for a contained resource its container, else the resource itself.</summary>
    internal static ElementNode? RootOf(ElementNode? resource)
    {
        var r = resource;
        while (r is { Name: "contained" } && r.Parent?.ContainingResource is { } container) r = container;
        return r;
    }

    public override string ToString() => Expression;
}

/// <summary>The environment of an evaluation: %resource, %rootResource, extra %variables, resolve() and trace() hooks.</summary>
public sealed class EvaluationContext
{
    /// <summary>%resource; by default the resource containing the focus.</summary>
    public ElementNode? Resource { get; init; }

    /// <summary>%rootResource; by default the container of a contained %resource, else %resource.</summary>
    public ElementNode? RootResource { get; init; }

    /// <summary>Extra environment variables by name without '%'. Values: an ElementNode, a System value or a list of them.</summary>
    public IDictionary<string, object?> Variables { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>resolve() for references that are neither contained nor in the enclosing Bundle.</summary>
    public Func<string, ElementNode?>? Resolver { get; init; }

    /// <summary>
    /// When true, a path name that the type of no input item defines (<c>name.given1</c>, <c>Observation.valueQuantity</c>)
    /// is an error instead of empty. Off by default: some official invariants name elements their resource lacks
    /// (cid-0 on ChargeItemDefinition), and a validator must not fail on them.
    /// </summary>
    public bool StrictNames { get; init; }

    /// <summary>Receives trace(name) calls with the traced collection.</summary>
    public Action<string, IReadOnlyList<object>>? Trace { get; init; }
}
