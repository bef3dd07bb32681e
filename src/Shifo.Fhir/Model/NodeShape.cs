using Shifo.Fhir.Definitions;

namespace Shifo.Fhir.Model;

/// <summary>
/// What a node is, apart from where it sits and what it holds: its name, FHIR type and definition. The parser gives
/// every node of one element and type the same instance, so that a node carries one reference for the three; a
/// resource tree has millions of nodes, and each field of theirs is megabytes the collector copies. Never changed:
/// a node that is renamed or retyped gets a new shape.
/// </summary>
internal sealed class NodeShape(string name, string typeName, ElementInfo? definition)
{
    public string Name { get; } = name;
    public string TypeName { get; } = typeName;
    public ElementInfo? Definition { get; } = definition;
}
