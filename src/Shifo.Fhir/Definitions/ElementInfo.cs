namespace Shifo.Fhir.Definitions;

/// <summary>A type an element may take: a FHIR type code, with profiles for references and canonicals.</summary>
public sealed record TypeRef(string Code, IReadOnlyList<string> Profiles, IReadOnlyList<string> TargetProfiles)
{
    /// <summary>The FHIRPath System type for the value of primitives (e.g. "String"), else null.</summary>
    public string? SystemType { get; init; }
}

public sealed record Binding(string Strength, string ValueSet);

public sealed record Constraint(string Key, string Severity, string Human, string? Expression, string? Source);

/// <summary>One element of a StructureDefinition snapshot, with what parsing and validation need.</summary>
public sealed class ElementInfo
{
    internal ElementInfo(StructureInfo owner, string path) { Owner = owner; Path = path; }

    public StructureInfo Owner { get; }
    /// <summary>Full path as in the definition, e.g. "Observation.value[x]".</summary>
    public string Path { get; }
    /// <summary>Last path segment without "[x]", e.g. "value".</summary>
    public string Name { get; internal set; } = "";
    public bool IsChoice { get; internal set; }
    public int Min { get; internal set; }
    /// <summary>Maximum count; -1 means unbounded.</summary>
    public int Max { get; internal set; }
    /// <summary>True when JSON carries this element as an array (the base definition repeats).</summary>
    public bool IsArray { get; internal set; }
    public IReadOnlyList<TypeRef> Types { get; internal set; } = [];
    /// <summary>For elements defined by reference to another (e.g. Questionnaire.item.item).</summary>
    public string? ContentReference { get; internal set; }
    public Binding? Binding { get; internal set; }
    public IReadOnlyList<Constraint> Constraints { get; internal set; } = [];
    public bool IsSummary { get; internal set; }
    public bool IsModifier { get; internal set; }
    /// <summary>The regular expression a primitive's value must match (primitive type definitions only).</summary>
    public string? Regex { get; internal set; }
    /// <summary>Fixed value for Extension.url in extension definitions.</summary>
    public string? FixedUri { get; internal set; }

    /// <summary>Elements nested inline under this one (backbone elements), in definition order.</summary>
    public List<ElementInfo> InlineChildren { get; } = [];

    internal ChildMap? ChildMapCache;

    /// <summary>This element's slot in the validation plans of its parent (set by the first plan built; checked on use).</summary>
    internal int PlanSlot = -1;
    internal Dictionary<string, IReadOnlyDictionary<string, ChildSlot>>? TypedChildMapCache;

    public override string ToString() => Path;
}

/// <summary>What a JSON property name means under a parent: the element and the concrete type chosen.</summary>
public readonly record struct ChildSlot(ElementInfo Element, string TypeCode);

/// <summary>
/// A children map as <see cref="FhirDefinitions.ChildrenOf"/> caches it, with room for what a reader derives from it
/// once (the JSON parser's UTF-8 lookup table), so that deriving costs no second lookup per object read.
/// </summary>
internal sealed class ChildMap() : Dictionary<string, ChildSlot>(StringComparer.Ordinal)
{
    public object? ParserTable;
}
