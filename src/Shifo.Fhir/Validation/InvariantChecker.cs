using Shifo.Fhir.FhirPath;
using Shifo.Fhir.Model;
using Shifo.Fhir.Outcomes;

namespace Shifo.Fhir.Validation;

/// <summary>
/// Evaluates the invariants of a node's plan with the FHIRPath engine. An invariant that is false is reported
/// with its own severity; one that is empty counts as met. An expression the engine cannot compile or
/// evaluate is a warning naming the constraint (once per key and run), never a crash.
/// </summary>
internal sealed class InvariantChecker(List<Issue> issues)
{
    private HashSet<string>? _brokenReported;

    public void Check(ElementNode node, NodePlan plan, in Scope scope, PresentChildren present)
    {
        var invariants = plan.CompiledInvariants;
        // outcomes by index (Outcome.Encode, 0 = failed to evaluate), for invariants that repeat an expression
        Span<byte> outcomes = invariants.Length <= 64 ? stackalloc byte[invariants.Length] : new byte[invariants.Length];
        for (var i = 0; i < invariants.Length; i++)
        {
            var inv = invariants[i];
            if (inv.Expression is null)
            {
                Broken(inv, node, "could not be compiled: " + inv.CompileError);
                continue;
            }
            bool? ok;
            if (inv.SameAs >= 0 && outcomes[inv.SameAs] != 0) ok = Outcome.Decode(outcomes[inv.SameAs]);
            else if (inv.Native is { } native && native(node, scope.Resource) is var answer && answer != NativeAnswer.Unknown)
                ok = answer.ToOutcome();
            else if (!inv.TryAbsentOutcome(node, present, out ok))
            {
                try
                {
                    ok = inv.Expression.EvaluateBoolean(node, scope.Evaluation);
                }
                catch (Exception ex) when (ex is FhirPathException or InvalidOperationException or NotSupportedException
                                               or ArgumentException or FormatException or OverflowException or InvalidCastException)
                {
                    Broken(inv, node, "failed to evaluate: " + ex.Message);
                    continue;
                }
                inv.NoteOutcome(node, present, ok);
            }
            outcomes[i] = (byte)Outcome.Encode(ok);
            if (ok == false)
            {
                var c = inv.Constraint;
                issues.Add(new Issue(inv.IsError ? IssueSeverity.Error : IssueSeverity.Warning, "invariant", node.Location,
                    $"Constraint {c.Key} failed: {c.Human} ({c.Expression})"));
            }
        }
    }

    private void Broken(CompiledInvariant inv, ElementNode node, string what)
    {
        if (!(_brokenReported ??= new HashSet<string>(StringComparer.Ordinal)).Add(inv.Constraint.Key)) return;
        issues.Add(Issue.Warning("invariant", node.Location,
            $"The invariant {inv.Constraint.Key} ({inv.Constraint.Expression}) {what}; it was not checked."));
    }
}
