using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.Serialization;

/// <summary>
/// Writes an <see cref="ElementNode"/> tree as FHIR JSON: resourceType first, choice elements with their type
/// suffix, arrays where the definitions say an element repeats, primitives split into value and "_name"
/// (id, extensions), numbers exactly as they were written (1.50 stays 1.50).
/// </summary>
public static class FhirJsonWriter
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private static readonly JsonWriterOptions Pretty = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true, Indented = true };

    public static string ToJson(ElementNode resource, bool indented = false) => Encoding.UTF8.GetString(ToUtf8(resource, indented));

    public static byte[] ToUtf8(ElementNode resource, bool indented = false)
    {
        // one buffer and writer per thread, reused: every stored version is written once, and each would otherwise
        // allocate both and grow a stream step by step
        var scratch = t_scratch ??= new Scratch();
        scratch.Buffer.ResetWrittenCount();
        var w = indented ? scratch.Indented : scratch.Compact;
        w.Reset(scratch.Buffer);
        Write(w, resource);
        w.Flush();
        var bytes = scratch.Buffer.WrittenSpan.ToArray();
        // a buffer grown by one huge resource is let go rather than kept for the thread's life
        if (scratch.Buffer.Capacity > MaxKeptBuffer) t_scratch = null;
        return bytes;
    }

    private const int MaxKeptBuffer = 1 << 20;

    [ThreadStatic] private static Scratch? t_scratch;

    private sealed class Scratch
    {
        public readonly ArrayBufferWriter<byte> Buffer = new(4096);
        public readonly Utf8JsonWriter Compact;
        public readonly Utf8JsonWriter Indented;

        public Scratch()
        {
            Compact = new Utf8JsonWriter(Buffer, FhirJsonWriter.Compact);
            Indented = new Utf8JsonWriter(Buffer, Pretty);
        }
    }

    public static void Write(Utf8JsonWriter w, ElementNode node, FhirDefinitions? definitions = null) =>
        WriteObject(w, node, definitions ?? FhirDefinitions.R4);

    private static void WriteObject(Utf8JsonWriter w, ElementNode node, FhirDefinitions defs)
    {
        w.WriteStartObject();
        if (node.IsResource) w.WriteString("resourceType", node.TypeName);
        WriteMembers(w, node, defs);
        w.WriteEndObject();
    }

    /// <summary>
    /// The children as JSON properties: each (name, type) once, at its first child, with every child of that key in
    /// order. Repeating elements are consecutive, so a key is looked for again only where content was built by hand.
    /// </summary>
    private static void WriteMembers(Utf8JsonWriter w, ElementNode node, FhirDefinitions defs)
    {
        var children = node.ChildList;
        for (var i = 0; i < children.Count; i++)
        {
            var first = children[i];
            if (i > 0 && SameKey(children[i - 1], first)) continue; // the rest of a run already written
            if (SeenBefore(children, i)) continue;
            var isPrimitive = first.Definition is null ? first.ValueKind != PrimitiveKind.None || (first.ChildList.Count == 0)
                : defs.IsPrimitiveType(first.TypeName);
            var group = new Group(children, i);
            if (isPrimitive) WritePrimitive(w, first, group, defs);
            else WriteComplex(w, first, group, defs);
        }
    }

    // a choice element's JSON name carries its type, so children are grouped by (name, type)
    private static bool SameKey(ElementNode a, ElementNode b) =>
        a.Name == b.Name && (a.Definition?.IsChoice != true || a.TypeName == b.TypeName);

    private static bool SeenBefore(List<ElementNode> children, int i)
    {
        var c = children[i];
        for (var j = 0; j < i; j++)
            if (SameKey(children[j], c)) return true;
        return false;
    }

    /// <summary>The children of one key, from its first one on: a view over the list, not a copy.</summary>
    private readonly struct Group(List<ElementNode> children, int first)
    {
        public ElementNode First => children[first];

        public Enumerator GetEnumerator() => new(children, first);

        public struct Enumerator(List<ElementNode> children, int first)
        {
            private int _at = first - 1;

            public readonly ElementNode Current => children[_at];

            public bool MoveNext()
            {
                var key = children[first];
                while (++_at < children.Count)
                    if (_at == first || SameKey(key, children[_at])) return true;
                return false;
            }
        }
    }

    private static void WriteComplex(Utf8JsonWriter w, ElementNode first, Group group, FhirDefinitions defs)
    {
        var repeats = first.Repeats;
        w.WritePropertyName(first.JsonName);
        if (repeats) w.WriteStartArray();
        foreach (var n in group)
        {
            if (n.Definition is null && n.ValueKind == PrimitiveKind.None && n.ChildList.Count == 0 && !n.IsResource)
                w.WriteNullValue();
            else WriteObject(w, n, defs);
            if (!repeats) break;
        }
        if (repeats) w.WriteEndArray();
    }

    private static void WritePrimitive(Utf8JsonWriter w, ElementNode first, Group group, FhirDefinitions defs)
    {
        var anyValue = false;
        var anyExtras = false;
        foreach (var n in group)
        {
            anyValue |= n.HasValue;
            anyExtras |= n.ChildList.Count > 0;
        }
        var property = first.JsonName;
        if (!first.Repeats)
        {
            if (first.HasValue || !anyExtras)
            {
                w.WritePropertyName(property);
                WriteValue(w, first);
            }
            if (anyExtras)
            {
                w.WritePropertyName(first.JsonExtrasName);
                w.WriteStartObject();
                WriteMembers(w, first, defs);
                w.WriteEndObject();
            }
            return;
        }
        if (anyValue || !anyExtras)
        {
            w.WriteStartArray(property);
            foreach (var n in group) WriteValue(w, n);
            w.WriteEndArray();
        }
        if (anyExtras)
        {
            w.WriteStartArray(first.JsonExtrasName);
            foreach (var n in group)
            {
                if (n.ChildList.Count == 0) { w.WriteNullValue(); continue; }
                w.WriteStartObject();
                WriteMembers(w, n, defs);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
    }

    private static void WriteValue(Utf8JsonWriter w, ElementNode n)
    {
        switch (n.ValueKind)
        {
            // a long value the parser kept undecoded is written from its UTF-8, never made a string
            case PrimitiveKind.String when n.SourceValue is { } text: w.WriteStringValue(text.Utf8()); break;
            case PrimitiveKind.String: w.WriteStringValue(n.Value); break;
            case PrimitiveKind.Number: w.WriteRawValue(n.Value!, skipInputValidation: true); break;
            case PrimitiveKind.Boolean: w.WriteBooleanValue(n.Value == "true"); break;
            default: w.WriteNullValue(); break;
        }
    }
}
