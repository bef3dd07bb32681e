using System.Text;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.Serialization;

/// <summary>
/// One JSON property an object of some type may hold, with what the parser needs about it worked out once:
/// its name in UTF-8, whether its type is primitive (and how JSON writes it) or a resource, and the property
/// table of its own children (built on first use).
/// </summary>
internal sealed class PropertyEntry
{
    public PropertyEntry(string key, ChildSlot slot, FhirDefinitions defs)
    {
        Key = key;
        Utf8 = Encoding.UTF8.GetBytes(key);
        Slot = slot;
        IsPrimitive = defs.IsPrimitiveType(slot.TypeCode);
        Kind = IsPrimitive ? PrimitiveJson.KindOf(slot.TypeCode) : PrimitiveKind.None;
        IsResource = slot.TypeCode == "Resource" || defs.IsResourceType(slot.TypeCode);
    }

    public string Key { get; }
    public byte[] Utf8 { get; }
    public ChildSlot Slot { get; }
    public bool IsPrimitive { get; }
    public PrimitiveKind Kind { get; }
    public bool IsResource { get; }

    private PropertyTable? _children;

    /// <summary>The shape of every node read for this property: its element's name, type and definition, and whether it repeats.</summary>
    public NodeShape Shape => _shape ??= new NodeShape(Slot.Element.Name, Slot.TypeCode, Slot.Element, inArray: Slot.Element.IsArray);
    private NodeShape? _shape;

    /// <summary>The properties of this element's own object (for a primitive: of its "_name" part).</summary>
    public PropertyTable Children(FhirDefinitions defs) =>
        _children ??= PropertyTable.For(defs.ChildrenOf(Slot.Element, Slot.TypeCode), defs);
}

/// <summary>
/// The JSON properties of one children map, found by their UTF-8 bytes straight from the reader: the parser
/// no longer transcodes each property name to look it up. Built once per children map and kept with it.
/// </summary>
internal sealed class PropertyTable
{
    private readonly PropertyEntry[] _entries;
    private readonly int[] _buckets; // entry index + 1; 0 = empty
    private readonly int _mask;

    private PropertyTable(IReadOnlyDictionary<string, ChildSlot> slots, FhirDefinitions defs)
    {
        Slots = slots;
        _entries = new PropertyEntry[slots.Count];
        var size = 4;
        while (size < slots.Count * 2) size *= 2;
        _buckets = new int[size];
        _mask = size - 1;
        var i = 0;
        foreach (var (key, slot) in slots)
        {
            var entry = _entries[i] = new PropertyEntry(key, slot, defs);
            var b = Hash(entry.Utf8) & _mask;
            while (_buckets[b] != 0) b = (b + 1) & _mask;
            _buckets[b] = ++i;
        }
    }

    /// <summary>
    /// How many children the last object read against this table had (objects of one type tend to be alike), capped:
    /// the parser sizes the next one's children list by it. Threads racing on it only make the guess a little worse.
    /// </summary>
    public int ChildCountHint
    {
        get => _childCountHint;
        set => _childCountHint = Math.Min(value, MaxChildCountHint);
    }
    private int _childCountHint;
    private const int MaxChildCountHint = 32;

    /// <summary>The children map this table was built from.</summary>
    public IReadOnlyDictionary<string, ChildSlot> Slots { get; }

    public static PropertyTable For(IReadOnlyDictionary<string, ChildSlot> slots, FhirDefinitions defs)
    {
        // the maps FhirDefinitions caches carry their table; any other map gets a table of its own
        if (slots is not ChildMap cached) return new PropertyTable(slots, defs);
        if (cached.ParserTable is PropertyTable known) return known;
        var table = new PropertyTable(slots, defs);
        cached.ParserTable = table; // a race builds the same table twice, harmlessly
        return table;
    }

    public PropertyEntry? Find(ReadOnlySpan<byte> utf8Name)
    {
        var b = Hash(utf8Name) & _mask;
        while (true)
        {
            var at = _buckets[b];
            if (at == 0) return null;
            var entry = _entries[at - 1];
            if (utf8Name.SequenceEqual(entry.Utf8)) return entry;
            b = (b + 1) & _mask;
        }
    }

    private static int Hash(ReadOnlySpan<byte> name) => Utf8Hash.Of(name);
}
