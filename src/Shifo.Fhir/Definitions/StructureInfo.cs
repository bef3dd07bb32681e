namespace Shifo.Fhir.Definitions;

/// <summary>A StructureDefinition (data type, resource, extension or profile) in compact form.</summary>
public sealed class StructureInfo
{
    public required string Url { get; init; }
    public required string Name { get; init; }
    /// <summary>The type this structure defines or constrains, e.g. "Patient", "Quantity", "Extension".</summary>
    public required string Type { get; init; }
    /// <summary>primitive-type, complex-type, resource or logical.</summary>
    public required string Kind { get; init; }
    public bool Abstract { get; init; }
    public string? BaseDefinition { get; init; }
    /// <summary>"specialization" for base types and resources, "constraint" for profiles.</summary>
    public string? Derivation { get; init; }
    public IReadOnlyList<ElementInfo> Elements { get; internal set; } = [];

    public ElementInfo Root => Elements[0];
    public bool IsPrimitive => Kind == "primitive-type";
    public bool IsResource => Kind == "resource";
    public bool IsConstraint => Derivation == "constraint";

    private Dictionary<string, ElementInfo>? _byPath;

    /// <summary>The element with exactly this path (e.g. "Observation.value[x]"), or null.</summary>
    public ElementInfo? FindByPath(string path)
    {
        _byPath ??= Elements.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.First());
        return _byPath.GetValueOrDefault(path);
    }

    public override string ToString() => Url;
}
