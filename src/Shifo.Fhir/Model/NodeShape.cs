using Shifo.Fhir.Definitions;

namespace Shifo.Fhir.Model;

/// <summary>
/// What a node is, apart from where it sits and what it holds: its name, FHIR type and definition, how its value was
/// written in JSON, and whether it was an array member or is a resource. The parser gives every node of one element
/// and type the same instance, so that a node carries one reference for all of them; a resource tree has millions of
/// nodes, and each field of theirs is megabytes the collector copies. Never changed: a node that is renamed, retyped
/// or given another flag gets another shape (the flag variants of a shape are made once and shared).
/// </summary>
internal sealed class NodeShape
{
    public NodeShape(string name, string typeName, ElementInfo? definition, PrimitiveKind valueKind = PrimitiveKind.None,
        bool inArray = false, bool isResource = false)
        : this(name, typeName, definition, valueKind, inArray, isResource, null)
    {
    }

    private NodeShape(string name, string typeName, ElementInfo? definition, PrimitiveKind valueKind, bool inArray, bool isResource,
        NodeShape? origin)
    {
        Name = name;
        TypeName = typeName;
        Definition = definition;
        ValueKind = valueKind;
        InArray = inArray;
        IsResource = isResource;
        _origin = origin ?? this;
    }

    public string Name { get; }
    public string TypeName { get; }
    public ElementInfo? Definition { get; }
    public PrimitiveKind ValueKind { get; }
    public bool InArray { get; }
    public bool IsResource { get; }

    /// <summary>The JSON property name: a choice element's carries its type ("valueQuantity"). Made once per shape.</summary>
    public string JsonName => _jsonName ??= Definition?.IsChoice == true
        ? Name + char.ToUpperInvariant(TypeName[0]) + TypeName[1..]
        : Name;

    /// <summary>The JSON name of a primitive's id and extensions ("_birthDate").</summary>
    public string JsonExtrasName => _jsonExtrasName ??= "_" + JsonName;

    private string? _jsonName;
    private string? _jsonExtrasName;

    // every flag variant of a name, type and definition, kept by the shape first made for them
    private readonly NodeShape _origin;
    private NodeShape?[]? _variants;

    /// <summary>This shape with other flags: itself when they are the same, else the shared variant.</summary>
    public NodeShape With(PrimitiveKind valueKind, bool inArray, bool isResource)
    {
        if (valueKind == ValueKind && inArray == InArray && isResource == IsResource) return this;
        var origin = _origin;
        if (valueKind == origin.ValueKind && inArray == origin.InArray && isResource == origin.IsResource) return origin;
        // two threads may both make the table or a variant; either stays, and both are equal
        var variants = origin._variants ??= new NodeShape?[16];
        var index = ((int)valueKind & 3) * 4 + (inArray ? 2 : 0) + (isResource ? 1 : 0);
        return variants[index] ??= new NodeShape(Name, TypeName, Definition, valueKind, inArray, isResource, origin);
    }
}
