using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.Validation;

/// <summary>What kind of coded value a required binding applies to.</summary>
internal enum BindingTarget : byte { None, Code, Coding, CodeableConcept }

/// <summary>
/// Everything the validator needs about one element read as one type, worked out once from the definitions
/// and cached (see <see cref="PlanCache"/>), so that validating a node does no lookups by name.
/// </summary>
internal sealed class NodePlan
{
    public required ElementInfo Element { get; init; }
    public required string TypeCode { get; init; }
    public bool IsResource { get; init; }

    /// <summary>The distinct child elements, for cardinality; <see cref="ChildIndex"/> maps each to its slot.</summary>
    public required ElementInfo[] Children { get; init; }
    public required Dictionary<ElementInfo, int> ChildIndex { get; init; }
    /// <summary>True when some child has a minimum above zero (saves counting when nothing is required).</summary>
    public bool HasRequiredChildren { get; init; }

    /// <summary>
    /// The plan of a child element (one of <see cref="Children"/>, by slot) read as a type, kept here after the first
    /// lookup so that walking a node's children costs no shared-cache lookup per child.
    /// </summary>
    public NodePlan ChildPlan(int slot, string typeCode, PlanCache plans)
    {
        var known = _childPlans[slot];
        if (known is not null)
            foreach (var kv in known)
                if (ReferenceEquals(kv.Key, typeCode) || kv.Key == typeCode) return kv.Value;
        var plan = plans.For(Children[slot], typeCode);
        // a race may drop one of two types added at once; it is looked up again next time
        _childPlans[slot] = known is null ? [new(typeCode, plan)] : [.. known, new(typeCode, plan)];
        return plan;
    }

    private KeyValuePair<string, NodePlan>[]?[] _childPlans = null!;
    public void InitChildPlans() => _childPlans = new KeyValuePair<string, NodePlan>[]?[Children.Length];

    /// <summary>How JSON writes the value of this primitive type (None for complex types).</summary>
    public PrimitiveKind ValueKind { get; init; }

    /// <summary>The value format of a primitive type; null for complex types.</summary>
    public PrimitiveFormat? Format { get; init; }

    public BindingTarget BindingTarget { get; init; }
    /// <summary>The expanded value set of a required binding; null when none or when the package cannot expand it.</summary>
    public ValueSetExpansion? RequiredValueSet { get; init; }

    public bool IsReference { get; init; }
    /// <summary>Resource types a Reference may point to; null when any type is allowed.</summary>
    public HashSet<string>? ReferenceTargets { get; init; }

    public bool IsExtension { get; init; }
    public bool IsCoding { get; init; }

    /// <summary>The invariants to evaluate with FHIRPath (all but ele-1, which is checked natively).</summary>
    public required Constraint[] Invariants { get; init; }

    private CompiledInvariant[]? _compiled;

    /// <summary>The invariants compiled on first use (a plan may be built without ever being evaluated).</summary>
    public CompiledInvariant[] CompiledInvariants => _compiled ??= CompiledInvariant.CompileAll(Invariants, Children);

    public override string ToString() => $"{Element.Path} : {TypeCode}";
}
