using Shifo.Fhir.Model;

namespace Shifo.Fhir.FhirPath;

/// <summary>
/// One <see cref="Scope"/> and one input array reused across evaluations that return only a Boolean, so that the
/// validator's many invariant evaluations per resource allocate neither. Safe because such an evaluation hands no
/// collection back to its caller, and iterating functions restore $this and $index when they finish. One thread only.
/// </summary>
internal sealed class ReusableEvaluation(EvaluationContext context)
{
    private readonly Scope _scope = new()
    {
        Resource = context.Resource,
        RootResource = context.RootResource ?? CompiledExpression.RootOf(context.Resource),
        Environment = context,
        StrictNames = context.StrictNames,
    };
    private readonly object[] _input = new object[1];

    public EvaluationContext Context => context;

    public (Scope Scope, IReadOnlyList<object> Input) Prepare(ElementNode focus)
    {
        _scope.This = focus;
        _scope.Context = focus;
        _scope.Index = 0;
        _scope.Total = Collections.Empty;
        _scope.Memo?.Clear(); // memoized results hold for one evaluation only
        _input[0] = focus;
        return (_scope, _input);
    }
}
