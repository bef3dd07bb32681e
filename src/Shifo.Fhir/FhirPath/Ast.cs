namespace Shifo.Fhir.FhirPath;

/// <summary>The parsed form of an expression; it only lives until it is compiled to delegates.</summary>
internal abstract record Node(int Position);

/// <summary>A constant: the value, or null for the empty collection <c>{}</c>.</summary>
internal sealed record LiteralNode(object? Value, int Position) : Node(Position);

/// <summary>A name: a child element of each input item (or, first in a path, a type name that selects the focus).</summary>
internal sealed record MemberNode(Node? Target, string Name, int Position) : Node(Position);

internal sealed record CallNode(Node? Target, string Name, IReadOnlyList<Node> Arguments, int Position) : Node(Position);

internal sealed record IndexerNode(Node Target, Node Index, int Position) : Node(Position);

internal sealed record UnaryNode(string Operator, Node Operand, int Position) : Node(Position);

internal sealed record BinaryNode(string Operator, Node Left, Node Right, int Position) : Node(Position);

/// <summary><c>x is T</c> / <c>x as T</c>; the type is "Namespace.Name" or just "Name".</summary>
internal sealed record TypeNode(string Operator, Node Operand, string TypeName, int Position) : Node(Position);

/// <summary>$this, $index or $total.</summary>
internal sealed record ThisNode(string Name, int Position) : Node(Position);

/// <summary>An environment variable such as %resource or %`vs-administrative-gender`.</summary>
internal sealed record ExternalNode(string Name, int Position) : Node(Position);
