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
    private List<ElementNode>? _children;

    public ElementNode(string name, string typeName)
    {
        _name = name;
        TypeName = typeName;
    }

    /// <summary>The element's name without a choice-type suffix ("value" for "valueQuantity").</summary>
    public string Name
    {
        get => _name;
        set
        {
            _name = value;
            Parent?.ChildrenChanged();
        }
    }
    private string _name;

    /// <summary>The FHIR type: a resource type, a data type ("HumanName", "string") or "BackboneElement".</summary>
    public string TypeName { get; set; }

    /// <summary>The definition this node was read against; null for an element the definitions do not know.</summary>
    public ElementInfo? Definition { get; set; }

    public ElementNode? Parent { get; private set; }

    /// <summary>The primitive value as written: unescaped text for strings, the literal for numbers and booleans.</summary>
    public string? Value { get; set; }

    public PrimitiveKind ValueKind { get; set; }

    /// <summary>True when this node was a JSON array member (used for elements the definitions do not know).</summary>
    public bool InArray { get; set; }

    /// <summary>True for a resource: the root, a contained resource, or a Bundle entry's resource.</summary>
    public bool IsResource { get; set; }

    public bool HasValue => Value is not null;

    public IReadOnlyList<ElementNode> Children => (IReadOnlyList<ElementNode>?)_children ?? [];

    /// <summary>
    /// The children as the list itself, for hot loops inside this library: a foreach over it uses the list's struct
    /// enumerator, where one over <see cref="Children"/> allocates an enumerator per node. Never to be modified.
    /// </summary>
    internal List<ElementNode> ChildList => _children ?? NoChildren;

    private static readonly List<ElementNode> NoChildren = [];

    public void Add(ElementNode child)
    {
        child.Parent = this;
        (_children ??= []).Add(child);
        ChildrenChanged();
    }

    public void Insert(int index, ElementNode child)
    {
        child.Parent = this;
        (_children ??= []).Insert(index, child);
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
        _byName = null;
        _shape++;
    }

    // Counts changes of the children (added, inserted, removed, renamed); sibling indexes are numbered against it.
    private int _shape;

    // This node's index among same-named siblings, numbered by a wide parent in one pass and valid while the
    // parent's shape is unchanged: (parent shape + 1) << 32 | index, one field so that it is read and written whole.
    private long _numbered;

    // Children by name for wide nodes (a Bundle's entries, a CodeSystem's concepts), built on the first FHIRPath
    // step into them: invariants such as bdl-3 read %resource.type once per entry, which is quadratic by scanning.
    // Any change of the children or of a child's name drops it.
    private Dictionary<string, object[]>? _byName;
    private const int IndexFrom = 16;

    /// <summary>
    /// The children named <paramref name="name"/> as a read-only FHIRPath collection, from the index of a wide node;
    /// null when the node is narrow and scanning its children is cheaper.
    /// </summary>
    internal IReadOnlyList<object>? IndexedChildren(string name)
    {
        var children = _children;
        if (children is null || children.Count < IndexFrom) return null;
        var index = _byName ??= BuildIndex(children);
        return index.TryGetValue(name, out var found) ? found : Array.Empty<object>();
    }

    private static Dictionary<string, object[]> BuildIndex(List<ElementNode> children)
    {
        var lists = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        foreach (var c in children)
        {
            if (!lists.TryGetValue(c.Name, out var list)) lists[c.Name] = list = [];
            list.Add(c);
        }
        var index = new Dictionary<string, object[]>(lists.Count, StringComparer.Ordinal);
        foreach (var (name, list) in lists) index[name] = [.. list];
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
                // a wide parent numbers all its children at once: locations of issues on each of a Bundle's
                // thousands of entries would otherwise count through their siblings every time
                var numbered = _numbered;
                if ((int)(numbered >> 32) != parent._shape + 1)
                {
                    parent.NumberChildren();
                    numbered = _numbered;
                }
                return (int)numbered;
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

    private void NumberChildren()
    {
        var next = new Dictionary<string, int>(StringComparer.Ordinal);
        var stamp = (long)(_shape + 1) << 32;
        foreach (var c in ChildList)
        {
            next.TryGetValue(c.Name, out var i);
            c._numbered = stamp | (uint)i;
            next[c.Name] = i + 1;
        }
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
