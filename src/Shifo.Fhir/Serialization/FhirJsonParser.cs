using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;
using Shifo.Fhir.Outcomes;

namespace Shifo.Fhir.Serialization;

/// <summary>The outcome of reading FHIR JSON: the resource tree (null when unreadable) and what was wrong with it.</summary>
public sealed class ParseResult
{
    public ElementNode? Resource { get; init; }
    public List<Issue> Issues { get; } = [];
    public bool HasErrors => Resource is null || Issues.Any(i => i.IsError);
}

/// <summary>
/// Reads FHIR JSON into an <see cref="ElementNode"/> tree, guided by the official definitions. It never throws
/// on bad input: structural problems (unknown elements, wrong JSON types, arrays where one value is allowed,
/// empty objects, arrays or strings, nulls, duplicate properties) become issues, and unknown content is
/// kept so that it can be written back.
/// </summary>
public sealed class FhirJsonParser
{
    /// <summary>Deepest JSON nesting accepted; FHIR's deepest real structures (nested Questionnaire items) stay far below.</summary>
    public const int MaxDepth = 128;

    private readonly FhirDefinitions _defs;
    private readonly List<Issue> _issues = [];

    // the document being read when the tree may keep slices of it (see Parse(byte[]))
    private byte[]? _document;

    private FhirJsonParser(FhirDefinitions defs) => _defs = defs;

    [ThreadStatic] private static FhirJsonParser? t_reusable;

    /// <summary>Forgets what a previous parse left behind (an invalid document stops it halfway through an object).</summary>
    private void Reset()
    {
        _issues.Clear();
        foreach (var seen in _seenByDepth) seen.Clear();
    }

    public static ParseResult Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    /// <summary>
    /// Reads a document the caller hands over: the tree keeps long text values as slices of <paramref name="utf8"/>
    /// instead of copies, so the array must never change afterwards (never a pooled or reused buffer).
    /// </summary>
    public static ParseResult Parse(byte[] utf8, FhirDefinitions? definitions = null) => Parse(utf8, definitions, utf8);

    /// <summary>Reads a document the tree does not keep: long text values are copied out of it.</summary>
    public static ParseResult Parse(ReadOnlySpan<byte> utf8, FhirDefinitions? definitions = null) => Parse(utf8, definitions, null);

    // the document is `owned` too when the caller gave it up: long values are slices of it
    private static ParseResult Parse(ReadOnlySpan<byte> utf8, FhirDefinitions? definitions, byte[]? owned)
    {
        var defs = definitions ?? FhirDefinitions.R4;
        // one parser per thread is reused: its scratch lists would otherwise be allocated again for every resource
        var parser = t_reusable is { } cached && ReferenceEquals(cached._defs, defs) ? cached : new FhirJsonParser(defs);
        t_reusable = null; // taken while in use
        parser.Reset();
        parser._document = owned;
        ElementNode? root = null;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
            if (utf8.Trim(" \t\r\n"u8).IsEmpty || !reader.Read())
                parser._issues.Add(Issue.Fatal("structure", null, "The content is empty: expected a JSON object with a resourceType."));
            else if (reader.TokenType != JsonTokenType.StartObject)
                parser._issues.Add(Issue.Fatal("structure", null, $"Expected a JSON object with a resourceType, found {Describe(reader.TokenType)}."));
            else
            {
                root = parser.ReadResource(ref reader, "", null, null);
                // reading on makes the reader reject anything after the object (a JsonException, below)
                while (reader.Read()) { }
            }
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, position {ex.BytePositionInLine + 1})" : "";
            var message = ex.Message.Contains("maximum configured depth", StringComparison.Ordinal)
                ? $"The JSON is nested deeper than {MaxDepth} levels{where}."
                : $"The content is not valid JSON{where}.";
            parser._issues.Add(Issue.Fatal("structure", null, message));
            root = null;
        }
        catch (NotTextException ex)
        {
            parser._issues.Add(Issue.Fatal("structure", null,
                $"The content is not valid JSON text: the string at byte {ex.ByteOffset + 1} holds bytes that are not UTF-8 or a \\u escape of half a character."));
            root = null;
        }
        var result = new ParseResult { Resource = root };
        result.Issues.AddRange(parser._issues);
        parser._issues.Clear();
        parser._document = null; // the cached parser must not keep a document alive
        t_reusable = parser;
        return result;
    }

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };

    /// <summary>Reads a resource object; the reader is on its StartObject. Returns null (reader past the object) if it is not one.</summary>
    /// <param name="asElement">The element holding the resource (Bundle.entry.resource, contained); null for the root.</param>
    private ElementNode? ReadResource(ref Utf8JsonReader reader, string name, ElementNode? parentForLocation, ElementInfo? asElement)
    {
        // the location is built only for an issue: it walks the tree and counts siblings
        string? Where() => parentForLocation is null ? null : Join(parentForLocation.Location, name);
        var resourceType = PeekResourceType(reader);
        if (resourceType is null)
        {
            _issues.Add(Issue.Fatal("structure", Where(), "The object has no resourceType, so it is not a FHIR resource."));
            reader.Skip();
            return null;
        }
        var sd = _defs.IsResourceType(resourceType) ? _defs.GetType(resourceType) : null;
        if (sd is null)
        {
            _issues.Add(Issue.Fatal("structure", Where(), $"Unknown resource type '{resourceType}'."));
            reader.Skip();
            return null;
        }
        var node = new ElementNode(new NodeShape(parentForLocation is null ? resourceType : name, resourceType, asElement ?? sd.Root,
            inArray: asElement?.IsArray ?? false, isResource: true));
        ReadObjectMembers(ref reader, node, PropertyTable.For(_defs.ChildrenOf(sd.Root, resourceType), _defs), parentForLocation);
        return node;
    }

    /// <summary>Finds "resourceType" among the object's own members without moving the caller's reader.</summary>
    private static string? PeekResourceType(Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth) return null;
            if (reader.TokenType != JsonTokenType.PropertyName) continue;
            var isType = reader.ValueTextEquals("resourceType"u8);
            reader.Read();
            if (isType) return reader.TokenType == JsonTokenType.String ? Text(ref reader) : null;
            reader.Skip();
        }
        return null;
    }

    private static string Join(string location, string name) => location.Length == 0 ? name : location + "." + name;

    /// <summary>Reads the members of an object (reader on its StartObject) into <paramref name="node"/>.</summary>
    private void ReadObjectMembers(ref Utf8JsonReader reader, ElementNode node, PropertyTable properties, ElementNode? attachTo)
    {
        // attach first so that locations of issues inside are right
        attachTo?.Add(node);
        node.ReserveChildren(properties.ChildCountHint);
        var depth = reader.CurrentDepth;
        var seen = RentSeenList(depth);
        _extrasSeen[depth] = false;
        var empty = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            empty = false;
            // property names are looked up without allocating; the definitions' own key string is kept
            var (property, entry, isExtras) = LookUpProperty(ref reader, properties);
            reader.Read();
            var key = isExtras ? "_" + property : property;
            if (seen.Contains(key))
            {
                _issues.Add(Issue.Error("structure", Join(node.Location, key), $"The property '{key}' appears more than once."));
                reader.Skip();
                continue;
            }
            seen.Add(key);

            if (entry is null)
            {
                if (property == "resourceType" && node.IsResource) continue; // read by PeekResourceType
                _issues.Add(Issue.Error("structure", Join(node.Location, property), UnknownMessage(node, property)));
                ReadUnknown(ref reader, node, property, inArray: false);
                continue;
            }
            if (isExtras)
            {
                _extrasSeen[depth] = true;
                ReadPrimitiveExtras(ref reader, node, property, entry);
                continue;
            }
            var slot = entry.Slot;
            var name = slot.Element.Name;
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                if (!slot.Element.IsArray)
                    _issues.Add(Issue.Error("structure", Join(node.Location, property),
                        $"'{property}' holds an array, but {slot.Element.Path} allows a single value."));
                var index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    ReadValue(ref reader, node, name, property, entry, index++, _extrasSeen[depth]);
                if (index == 0)
                    _issues.Add(Issue.Error("structure", Join(node.Location, property), $"'{property}' is an empty array: leave the property out instead."));
            }
            else
            {
                if (slot.Element.IsArray)
                    _issues.Add(Issue.Error("structure", Join(node.Location, property),
                        $"'{property}' must be a JSON array, since {slot.Element.Path} may repeat."));
                ReadValue(ref reader, node, name, property, entry, 0, _extrasSeen[depth]);
            }
        }
        seen.Clear();
        properties.ChildCountHint = node.ChildList.Count;
        if (empty)
            _issues.Add(Issue.Error("structure", node.Parent is null && node.IsResource ? node.TypeName : node.Location,
                "The object is empty: an element must have a value or children."));
    }

    /// <summary>
    /// Resolves the current property name: a known element, a primitive's "_name" part (isExtras), or not found
    /// (entry null; the name is then allocated for the message and for keeping the content).
    /// </summary>
    private static (string Property, PropertyEntry? Entry, bool IsExtras) LookUpProperty(ref Utf8JsonReader reader, PropertyTable properties)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var utf8 = reader.ValueSpan;
            if (properties.Find(utf8) is { } entry) return (entry.Key, entry, false);
            if (utf8.Length > 1 && utf8[0] == (byte)'_' && properties.Find(utf8[1..]) is { IsPrimitive: true } extras)
                return (extras.Key, extras, true);
            return (Text(ref reader), null, false);
        }
        // an escaped name is compared unescaped, like any other
        var property = Text(ref reader);
        if (properties.Find(Encoding.UTF8.GetBytes(property)) is { } e) return (property, e, false);
        if (property.Length > 1 && property[0] == '_' && properties.Find(Encoding.UTF8.GetBytes(property[1..])) is { IsPrimitive: true } x)
            return (property[1..], x, true);
        return (property, null, false);
    }

    // One list of seen property names per nesting depth, reused across objects: duplicates are rare but must be caught.
    private readonly List<List<string>> _seenByDepth = [];

    // Whether the object at each depth has had a "_name" part yet: until it has, a primitive value is always a new node.
    private bool[] _extrasSeen = new bool[8];

    private List<string> RentSeenList(int depth)
    {
        while (_seenByDepth.Count <= depth) _seenByDepth.Add([]);
        if (_extrasSeen.Length <= depth) Array.Resize(ref _extrasSeen, Math.Max(depth + 1, _extrasSeen.Length * 2));
        return _seenByDepth[depth];
    }

    private string UnknownMessage(ElementNode node, string property)
    {
        // a resource says its own type, not the element that holds it (Bundle.entry.resource)
        var where = node.IsResource ? node.TypeName : node.Definition?.Path ?? node.TypeName;
        return $"Unknown element '{property}' in {where}.";
    }

    /// <summary>Reads one value of a known element (an array member or a single value) into a child node.</summary>
    private void ReadValue(ref Utf8JsonReader reader, ElementNode parent, string name, string property, PropertyEntry entry, int index,
        bool mayExist)
    {
        var slot = entry.Slot;
        var type = slot.TypeCode;
        if (entry.IsPrimitive)
        {
            var node = mayExist ? PrimitiveAt(parent, index, entry) : NewPrimitive(parent, entry);
            if (reader.TokenType == JsonTokenType.Null)
            {
                // a null is only a placeholder where the "_name" array carries this position's extensions
                if (!slot.Element.IsArray)
                    _issues.Add(Issue.Error("structure", node.Location, $"'{property}' is null: leave the property out instead."));
                return;
            }
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                _issues.Add(Issue.Error("structure", node.Location,
                    $"'{property}' must be a primitive {type} value, found {Describe(reader.TokenType)}."));
                reader.Skip();
                return;
            }
            SetPrimitive(ref reader, node);
            var expected = entry.Kind;
            if (node.ValueKind != expected)
                _issues.Add(Issue.Error("structure", node.Location,
                    $"'{property}' is a {type}, which JSON writes as a {PrimitiveJson.Describe(expected)}, but found a {PrimitiveJson.Describe(node.ValueKind)}."));
            else if (node.ValueKind == PrimitiveKind.String && node.SourceValue is null && node.Value!.Length == 0) // long values are not empty
                _issues.Add(Issue.Error("value", node.Location, $"'{property}' is an empty string: leave the property out instead."));
            return;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            _issues.Add(Issue.Error("structure", Join(parent.Location, slot.Element.IsArray ? $"{name}[{index}]" : name),
                $"'{property}' must be a JSON object ({type}), found {Describe(reader.TokenType)}."));
            reader.Skip();
            return;
        }
        if (entry.IsResource)
        {
            ReadResource(ref reader, name, parent, slot.Element);
            return;
        }
        var child = new ElementNode(entry.Shape);
        ReadObjectMembers(ref reader, child, entry.Children(_defs), parent);
    }

    /// <summary>The node for position <paramref name="index"/> of a primitive element, made when it does not exist yet.</summary>
    private static ElementNode PrimitiveAt(ElementNode parent, int index, PropertyEntry entry)
    {
        var slot = entry.Slot;
        var name = slot.Element.Name;
        var i = 0;
        foreach (var c in parent.ChildList)
        {
            // each type of a choice element (deceasedBoolean, deceasedDateTime) counts its own positions
            if (c.Name != name || c.TypeName != slot.TypeCode) continue;
            if (i == index) return c;
            i++;
        }
        ElementNode? last = null;
        for (; i <= index; i++) last = NewPrimitive(parent, entry);
        return last!;
    }

    private static ElementNode NewPrimitive(ElementNode parent, PropertyEntry entry)
    {
        var node = new ElementNode(entry.Shape);
        parent.Add(node);
        return node;
    }

    // strings of values read before, shared rather than made again (the parser, and so the cache, is one per thread)
    private readonly ValueStringCache _values = new();

    /// <summary>Values longer than this (narratives, descriptions, data) are kept as UTF-8; shorter ones are decoded at once.</summary>
    private const int LongValueBytes = 64;

    /// <summary>
    /// The types whose long values validation only scans, so that they can stay UTF-8. URIs, canonicals and codes
    /// are compared with the definitions (extension URLs, code systems, references) and would be decoded at once.
    /// </summary>
    private static bool IsScannedText(string type) => type is "string" or "markdown" or "xhtml" or "base64Binary";

    private void SetPrimitive(ref Utf8JsonReader reader, ElementNode node)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (reader.HasValueSequence) node.Value = Text(ref reader);
                else if (reader.ValueSpan.Length > LongValueBytes && IsScannedText(node.TypeName)) node.SetSourceValue(KeepLong(ref reader));
                else if (reader.ValueIsEscaped) node.Value = Text(ref reader);
                else if (_values.Find(reader.ValueSpan) is { } known) node.Value = known;
                else _values.Store(reader.ValueSpan, node.Value = Text(ref reader));
                node.ValueKind = PrimitiveKind.String;
                break;
            case JsonTokenType.Number:
                if (reader.HasValueSequence) node.Value = Encoding.UTF8.GetString(reader.ValueSequence.ToArray());
                else if (_values.Find(reader.ValueSpan) is { } number) node.Value = number;
                else _values.Store(reader.ValueSpan, node.Value = Encoding.UTF8.GetString(reader.ValueSpan));
                node.ValueKind = PrimitiveKind.Number;
                break;
            case JsonTokenType.True:
                node.Value = "true";
                node.ValueKind = PrimitiveKind.Boolean;
                break;
            case JsonTokenType.False:
                node.Value = "false";
                node.ValueKind = PrimitiveKind.Boolean;
                break;
        }
    }

    /// <summary>
    /// A long text value, checked to be text as decoding it would: a slice of the document when the tree may keep
    /// one, else an unescaped copy.
    /// </summary>
    private SourceText KeepLong(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            if (!Utf8.IsValid(raw)) throw new NotTextException(reader.TokenStartIndex);
            return _document is { } document ? SourceText.Slice(document, OffsetIn(document, raw), raw.Length, escaped: false) : SourceText.Own(raw.ToArray());
        }
        // escapes are ASCII and the reader has checked their syntax: the value is text when the rest is UTF-8 and
        // every \u escape of a surrogate is one half of a pair
        if (!Utf8.IsValid(raw) || !JsonEscapes.SurrogatesPair(raw)) throw new NotTextException(reader.TokenStartIndex);
        if (_document is { } owner) return SourceText.Slice(owner, OffsetIn(owner, raw), raw.Length, escaped: true);
        // unescaping never lengthens UTF-8 (\u00e9 is 6 bytes for 2), so the raw length is room enough
        var scratch = ArrayPool<byte>.Shared.Rent(raw.Length);
        try { return SourceText.Own(scratch.AsSpan(0, JsonEscapes.Unescape(raw, scratch)).ToArray()); }
        finally { ArrayPool<byte>.Shared.Return(scratch); }
    }

    /// <summary>Where a span the reader gave lies in the document it reads (the reader reads that very array).</summary>
    private static int OffsetIn(byte[] document, ReadOnlySpan<byte> part) =>
        checked((int)Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(document), ref MemoryMarshal.GetReference(part)));

    /// <summary>The current string token as text; bytes that are not UTF-8, or a broken \u escape, end the parse.</summary>
    private static string Text(ref Utf8JsonReader reader)
    {
        try { return reader.GetString()!; }
        catch (InvalidOperationException) { throw new NotTextException(reader.TokenStartIndex); }
    }

    /// <summary>A string of the document is not text: bytes that are not UTF-8, or a \u escape of half a character.</summary>
    private sealed class NotTextException(long byteOffset) : Exception
    {
        public long ByteOffset { get; } = byteOffset;
    }

    /// <summary>Reads a primitive's "_name" part (id and extensions), single or array, into the matching nodes.</summary>
    private void ReadPrimitiveExtras(ref Utf8JsonReader reader, ElementNode parent, string name, PropertyEntry entry)
    {
        var slots = entry.Children(_defs);
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var node = PrimitiveAt(parent, index++, entry);
                if (reader.TokenType == JsonTokenType.Null) continue;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    _issues.Add(Issue.Error("structure", node.Location, $"'_{name}' entries must be objects or null, found {Describe(reader.TokenType)}."));
                    reader.Skip();
                    continue;
                }
                ReadObjectMembers(ref reader, node, slots, null);
            }
            return;
        }
        var single = PrimitiveAt(parent, 0, entry);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            _issues.Add(Issue.Error("structure", single.Location, $"'_{name}' must be an object, found {Describe(reader.TokenType)}."));
            reader.Skip();
            return;
        }
        ReadObjectMembers(ref reader, single, slots, null);
    }

    /// <summary>Keeps content the definitions do not know, as it was, so that it can be reported and written back.</summary>
    private void ReadUnknown(ref Utf8JsonReader reader, ElementNode parent, string name, bool inArray)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    ReadUnknown(ref reader, parent, name, inArray: true);
                break;
            case JsonTokenType.StartObject:
            {
                var node = new ElementNode(name, "") { InArray = inArray };
                parent.Add(node);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var property = Text(ref reader);
                    reader.Read();
                    ReadUnknown(ref reader, node, property, inArray: false);
                }
                break;
            }
            case JsonTokenType.Null:
                parent.Add(new ElementNode(name, "") { InArray = inArray });
                break;
            default:
            {
                var node = new ElementNode(name, "") { InArray = inArray };
                SetPrimitive(ref reader, node);
                parent.Add(node);
                break;
            }
        }
    }
}
