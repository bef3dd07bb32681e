using System.Text;
using Shifo.Fhir.Definitions;

namespace Shifo.Fhir.Model;

/// <summary>How a primitive value was written in JSON, so that it is written back the same way.</summary>
public enum PrimitiveKind : byte
{
    None,
    String,
    Number,
    Boolean,
}

/// <summary>
/// One node of a FHIR resource read from JSON: a resource, a complex element or a primitive.
/// Repeating elements are consecutive children with the same <see cref="Name"/>; a primitive's
/// JSON value and its "_name" sibling (id, extensions) are merged into one node, as FHIRPath sees them.
/// </summary>
public sealed class ElementNode
{
    // four references and the object header, 48 bytes: the flags live in the shape, and the index of a wide node in
    // its children list (only nodes with children can be wide)
    private ChildNodes? _children;

    public ElementNode(string name, string typeName) => _shape = new NodeShape(name, typeName, null);

    public ElementNode(string name, string typeName, ElementInfo? definition) => _shape = new NodeShape(name, typeName, definition);

    /// <summary>A node of a shape shared with others (the parser's, one per element, type and flags).</summary>
    internal ElementNode(NodeShape shape) => _shape = shape;

    private NodeShape _shape;

    /// <summary>The element's name without a choice-type suffix ("value" for "valueQuantity").</summary>
    public string Name
    {
        get => _shape.Name;
        set
        {
            _shape = new NodeShape(value, _shape.TypeName, _shape.Definition, _shape.ValueKind, _shape.InArray, _shape.IsResource);
            Parent?.ChildrenChanged();
        }
    }

    /// <summary>The FHIR type: a resource type, a data type ("HumanName", "string") or "BackboneElement".</summary>
    public string TypeName
    {
        get => _shape.TypeName;
        set => _shape = new NodeShape(_shape.Name, value, _shape.Definition, _shape.ValueKind, _shape.InArray, _shape.IsResource);
    }

    /// <summary>The definition this node was read against; null for an element the definitions do not know.</summary>
    public ElementInfo? Definition
    {
        get => _shape.Definition;
        set => _shape = new NodeShape(_shape.Name, _shape.TypeName, value, _shape.ValueKind, _shape.InArray, _shape.IsResource);
    }

    public ElementNode? Parent { get; private set; }

    /// <summary>The primitive value as written: unescaped text for strings, the literal for numbers and booleans.</summary>
    public string? Value
    {
        get
        {
            var value = _value;
            if (value is not SourceText text) return (string?)value;
            // decoded on first read and kept; two threads reading at once decode equal strings, either may stay
            var decoded = text.Decode();
            _value = decoded;
            return decoded;
        }
        set => _value = value;
    }

    // a string, or a long text value as the parser read it (SourceText), checked to be text, never changed. Validation
    // only scans narratives, descriptions and base64 data, which are most of a resource's bytes; decoding them all
    // up front would double their size and hand the collector most of the parse.
    private object? _value;

    /// <summary>The value while it is kept undecoded (a long text value from the parser), else null: read <see cref="Value"/>.</summary>
    internal SourceText? SourceValue => _value as SourceText;

    /// <summary>Keeps a text value undecoded until it is read.</summary>
    internal void SetSourceValue(SourceText text) => _value = text;

    public PrimitiveKind ValueKind
    {
        get => _shape.ValueKind;
        set => _shape = _shape.With(value, _shape.InArray, _shape.IsResource);
    }

    /// <summary>True when this node was a JSON array member (used for elements the definitions do not know).</summary>
    public bool InArray
    {
        get => _shape.InArray;
        set => _shape = _shape.With(_shape.ValueKind, value, _shape.IsResource);
    }

    /// <summary>True for a resource: the root, a contained resource, or a Bundle entry's resource.</summary>
    public bool IsResource
    {
        get => _shape.IsResource;
        set => _shape = _shape.With(_shape.ValueKind, _shape.InArray, value);
    }

    public bool HasValue => _value is not null;

    /// <summary>The node's JSON property name ("valueQuantity" for a choice), shared by every node of its shape.</summary>
    internal string JsonName => _shape.JsonName;

    /// <summary>The JSON name of the node's "_name" part (id and extensions of a primitive).</summary>
    internal string JsonExtrasName => _shape.JsonExtrasName;

    public IReadOnlyList<ElementNode> Children => (IReadOnlyList<ElementNode>?)_children ?? [];

    /// <summary>
    /// The children as the list itself, for hot loops inside this library: a foreach over it uses the list's struct
    /// enumerator, where one over <see cref="Children"/> allocates an enumerator per node. Never to be modified.
    /// </summary>
    internal List<ElementNode> ChildList => _children ?? NoChildren;

    private static readonly List<ElementNode> NoChildren = [];

    /// <summary>Sizes the children list before the first child arrives (the parser's guess), so that it is not grown step by step.</summary>
    internal void ReserveChildren(int capacity)
    {
        if (_children is null && capacity > 0) _children = new ChildNodes(capacity);
    }

    public void Add(ElementNode child)
    {
        child.Parent = this;
        (_children ??= new ChildNodes()).Add(child);
        ChildrenChanged();
    }

    public void Insert(int index, ElementNode child)
    {
        child.Parent = this;
        (_children ??= new ChildNodes()).Insert(index, child);
        ChildrenChanged();
    }

    public bool Remove(ElementNode child)
    {
        if (_children is null || !_children.Remove(child)) return false;
        child.Parent = null;
        ChildrenChanged();
        return true;
    }

    private void ChildrenChanged()
    {
        if (_children is { } children) children.Wide = null;
    }

    /// <summary>
    /// The children, with the lookups over them when the node is wide (a Bundle's entries, a CodeSystem's concepts):
    /// built on first use and dropped by any change of the children or of a child's name. Narrow nodes are scanned instead.
    /// </summary>
    private sealed class ChildNodes : List<ElementNode>
    {
        public ChildNodes() { }
        public ChildNodes(int capacity) : base(capacity) { }

        public WideIndex? Wide;

        // steps into the wide node before its index is built (see ScansBeforeIndex)
        public int Scans;
    }

    private const int IndexFrom = 16;

    private sealed class WideIndex
    {
        // children by name, built on the first FHIRPath step into them: invariants such as bdl-3 read
        // %resource.type once per entry, which is quadratic by scanning
        public Dictionary<string, object[]>? ByName;
        // each child's index among its same-named siblings: locations of issues on each of thousands of entries
        // would otherwise count through the siblings every time
        public Dictionary<ElementNode, int>? SiblingIndex;
    }

    // Steps into a wide node before its index is built: most wide nodes (an ElementDefinition with its mappings and
    // constraints) are read a few times only, where building the index costs more than scanning.
    private const int ScansBeforeIndex = 8;

    /// <summary>
    /// The children named <paramref name="name"/> as a read-only FHIRPath collection, from the index of a wide node;
    /// null when the node is narrow, or not read often enough yet, and scanning its children is cheaper.
    /// </summary>
    internal IReadOnlyList<object>? IndexedChildren(string name)
    {
        var children = _children;
        if (children is null || children.Count < IndexFrom) return null;
        var index = children.Wide?.ByName;
        if (index is null)
        {
            if (++children.Scans < ScansBeforeIndex) return null;
            var wide = children.Wide ??= new WideIndex();
            index = wide.ByName ??= BuildIndex(children);
        }
        return index.TryGetValue(name, out var found) ? found : Array.Empty<object>();
    }

    private static Dictionary<string, object[]> BuildIndex(List<ElementNode> children)
    {
        // repeating elements are consecutive children, so each name is one run, copied straight into its array;
        // a name in several runs (content built by hand) has its runs joined
        var index = new Dictionary<string, object[]>(StringComparer.Ordinal);
        for (var start = 0; start < children.Count;)
        {
            var name = children[start].Name;
            var end = start + 1;
            while (end < children.Count && children[end].Name == name) end++;
            var run = new object[end - start];
            for (var i = start; i < end; i++) run[i - start] = children[i];
            index[name] = index.TryGetValue(name, out var earlier) ? [.. earlier, .. run] : run;
            start = end;
        }
        return index;
    }

    /// <summary>Children with the given name, in order.</summary>
    public IEnumerable<ElementNode> ChildrenNamed(string name)
    {
        if (_children is null) yield break;
        foreach (var c in _children)
            if (c.Name == name) yield return c;
    }

    public ElementNode? Child(string name)
    {
        if (_children is null) return null;
        foreach (var c in _children)
            if (c.Name == name) return c;
        return null;
    }

    /// <summary>The nearest resource at or above this node.</summary>
    public ElementNode? ContainingResource
    {
        get
        {
            for (var n = this; n is not null; n = n.Parent)
                if (n.IsResource) return n;
            return null;
        }
    }

    /// <summary>The outermost node of the tree.</summary>
    public ElementNode Root
    {
        get
        {
            var n = this;
            while (n.Parent is not null) n = n.Parent;
            return n;
        }
    }

    /// <summary>Index among the parent's children of the same name.</summary>
    public int IndexAmongSiblings
    {
        get
        {
            var parent = Parent;
            if (parent is null) return 0;
            var siblings = parent.ChildList;
            if (siblings.Count >= IndexFrom)
            {
                var wide = parent._children!.Wide ??= new WideIndex();
                var numbered = wide.SiblingIndex ??= NumberSiblings(siblings);
                return numbered[this];
            }
            var i = 0;
            foreach (var c in siblings)
            {
                if (ReferenceEquals(c, this)) return i;
                if (c.Name == Name) i++;
            }
            return i;
        }
    }

    private static Dictionary<ElementNode, int> NumberSiblings(List<ElementNode> children)
    {
        var next = new Dictionary<string, int>(StringComparer.Ordinal);
        var numbered = new Dictionary<ElementNode, int>(children.Count, ReferenceEqualityComparer.Instance);
        foreach (var c in children)
        {
            next.TryGetValue(c.Name, out var i);
            numbered[c] = i;
            next[c.Name] = i + 1;
        }
        return numbered;
    }

    /// <summary>True when this element repeats under its parent (decides the [n] in locations and arrays in JSON).</summary>
    public bool Repeats => Definition?.IsArray ?? InArray;

    /// <summary>A FHIRPath location, e.g. "Patient.name[0].given[1]" or "Bundle.entry[2].resource.code".</summary>
    public string Location
    {
        get
        {
            var parts = new List<string>();
            for (var n = this; n is not null; n = n.Parent)
            {
                if (n.Parent is null) { parts.Add(n.TypeName); break; }
                parts.Add(n.Repeats ? $"{n.Name}[{n.IndexAmongSiblings}]" : n.Name);
            }
            parts.Reverse();
            return string.Join('.', parts);
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder(Name).Append(" : ").Append(TypeName);
        if (Value is not null) sb.Append(" = ").Append(Value);
        return sb.ToString();
    }
}
