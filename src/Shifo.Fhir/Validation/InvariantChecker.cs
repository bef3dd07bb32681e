using Shifo.Fhir.Model;
using Shifo.Fhir.Outcomes;

namespace Shifo.Fhir.Validation;

/// <summary>Evaluates the invariants of element definitions with the FHIRPath engine (wired once it lands).</summary>
internal sealed class InvariantChecker(List<Issue> issues)
{
    private readonly List<Issue> _issues = issues;

    public void Check(ElementNode node, NodePlan plan, in Scope scope)
    {
        _ = node; _ = plan; _ = scope; _ = _issues;
    }
}
