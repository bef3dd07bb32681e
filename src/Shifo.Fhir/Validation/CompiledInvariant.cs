using Shifo.Fhir.Definitions;
using Shifo.Fhir.FhirPath;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.Validation;

/// <summary>A constraint with its expression compiled once (through the FHIRPath engine's cache), or why it could not be.</summary>
internal sealed class CompiledInvariant
{
    private CompiledInvariant(Constraint constraint, CompiledExpression? expression, string? compileError)
    {
        Constraint = constraint;
        Expression = expression;
        CompileError = compileError;
        IsError = constraint.Severity == "error";
        Native = expression is null ? null : NativeInvariants.Find(constraint.Expression);
    }

    /// <summary>The invariant in C#, when it is one of the frequent ones (see <see cref="NativeInvariants"/>).</summary>
    public NativeCheck? Native { get; }

    public Constraint Constraint { get; }
    public CompiledExpression? Expression { get; }
    public string? CompileError { get; }
    public bool IsError { get; }

    /// <summary>The index of an earlier invariant of the same plan with the very same expression (txt-1 and txt-2), else -1.</summary>
    public int SameAs { get; private set; } = -1;

    // The outcome on a node that has none of the expression's focus names: the same for every such node
    // (see FocusNames), so it is evaluated once and then only looked up. 0 = not known yet.
    private volatile int _absentOutcome;

    // The plan's child slots whose element name is one of the focus names (slots below 64 only).
    private ulong _focusSlots;

    /// <summary>True, with the outcome, when the node lacks every child the expression can read and that outcome is known.</summary>
    public bool TryAbsentOutcome(ElementNode node, PresentChildren present, out bool? outcome)
    {
        outcome = null;
        if (Expression?.FocusNames is not { } names || !LacksAll(node, names, present)) return false;
        var known = _absentOutcome;
        if (known == 0) return false;
        outcome = Outcome.Decode(known);
        return true;
    }

    /// <summary>Remembers the outcome of an evaluation on a node that lacks every focus name.</summary>
    public void NoteOutcome(ElementNode node, PresentChildren present, bool? outcome)
    {
        if (Expression?.FocusNames is { } names && _absentOutcome == 0 && LacksAll(node, names, present))
            _absentOutcome = Outcome.Encode(outcome);
    }

    // From the walker's record of present slots when it is exact (every child known, in a slot below 64), else by name.
    private bool LacksAll(ElementNode node, string[] names, PresentChildren present) =>
        present.Exact ? (present.Slots & _focusSlots) == 0 : !HasAny(node, names);

    private static bool HasAny(ElementNode node, string[] names)
    {
        var children = node.Children;
        for (var i = 0; i < children.Count; i++)
        {
            var name = children[i].Name;
            foreach (var n in names)
                if (string.Equals(name, n, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <param name="childSlots">The plan's child elements by slot, for the focus-name precheck.</param>
    public static CompiledInvariant[] CompileAll(Constraint[] constraints, ElementInfo[] childSlots)
    {
        var result = new CompiledInvariant[constraints.Length];
        for (var i = 0; i < constraints.Length; i++)
        {
            var c = constraints[i];
            try
            {
                result[i] = new CompiledInvariant(c, FhirPathCompiler.GetOrCompile(c.Expression!), null);
            }
            catch (Exception ex) when (ex is FhirPathException or NotSupportedException or InvalidOperationException or ArgumentException)
            {
                result[i] = new CompiledInvariant(c, null, ex.Message);
            }
            if (result[i].Expression?.FocusNames is { } names)
                for (var slot = 0; slot < childSlots.Length && slot < 64; slot++)
                    if (Array.IndexOf(names, childSlots[slot].Name) >= 0) result[i]._focusSlots |= 1UL << slot;
            for (var j = 0; j < i; j++)
                if (result[i].Expression is { } e && ReferenceEquals(result[j].Expression, e)) { result[i].SameAs = j; break; }
        }
        return result;
    }
}

/// <summary>
/// Which of a plan's child slots (below 64) a node has, as the walker found them; Exact is false when some child had
/// no slot there (unknown content, a slot of 64 or more), and then the names must be compared instead.
/// </summary>
internal readonly record struct PresentChildren(ulong Slots, bool Exact)
{
    public static PresentChildren None => new(0, true);
}

/// <summary>A condition's outcome (true, false or empty) as a small non-zero number, so that zero can mean "not known".</summary>
internal static class Outcome
{
    public static int Encode(bool? b) => b switch { null => 1, true => 2, false => 3 };
    public static bool? Decode(int v) => v switch { 2 => true, 3 => false, _ => null };
}
