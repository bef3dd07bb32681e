namespace Shifo.Fhir.Definitions;

public sealed record SearchParameterComponent(string Definition, string Expression);

/// <summary>An official search parameter: its code, the types it applies to and its FHIRPath expression.</summary>
public sealed record SearchParameterInfo(
    string Url,
    string Code,
    IReadOnlyList<string> Base,
    string Type,
    string? Expression,
    IReadOnlyList<string> Target,
    IReadOnlyList<string> Modifiers,
    IReadOnlyList<string> Comparators,
    IReadOnlyList<SearchParameterComponent> Components);

/// <summary>A compartment (Patient, Encounter, ...): for each resource type, the parameters that link it in.</summary>
public sealed record CompartmentInfo(string Code, IReadOnlyDictionary<string, IReadOnlyList<string>> ParamsByResourceType);
