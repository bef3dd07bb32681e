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
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, indented ? Pretty : Compact))
            Write(w, resource);
        return buffer.ToArray();
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

    private static void WriteMembers(Utf8JsonWriter w, ElementNode node, FhirDefinitions defs)
    {
        var children = node.Children;
        var done = new HashSet<(string, string)>();
        for (var i = 0; i < children.Count; i++)
        {
            var first = children[i];
            // a choice element's JSON name carries its type, so group by (name, type)
            var key = (first.Name, first.Definition?.IsChoice == true ? first.TypeName : "");
            if (!done.Add(key)) continue;
            var group = new List<ElementNode>();
            for (var j = i; j < children.Count; j++)
            {
                var c = children[j];
                if (c.Name == key.Item1 && (key.Item2.Length == 0 || c.TypeName == key.Item2)) group.Add(c);
            }
            var property = first.Definition?.IsChoice == true
                ? first.Name + char.ToUpperInvariant(first.TypeName[0]) + first.TypeName[1..]
                : first.Name;
            var isPrimitive = first.Definition is null ? first.ValueKind != PrimitiveKind.None || (first.Children.Count == 0)
                : defs.IsPrimitiveType(first.TypeName);
            if (isPrimitive) WritePrimitive(w, property, group, first.Repeats, defs);
            else WriteComplex(w, property, group, first.Repeats, defs);
        }
    }

    private static void WriteComplex(Utf8JsonWriter w, string property, List<ElementNode> group, bool repeats, FhirDefinitions defs)
    {
        w.WritePropertyName(property);
        if (repeats) w.WriteStartArray();
        foreach (var n in group)
        {
            if (n.Definition is null && n.ValueKind == PrimitiveKind.None && n.Children.Count == 0 && !n.IsResource)
                w.WriteNullValue();
            else WriteObject(w, n, defs);
            if (!repeats) break;
        }
        if (repeats) w.WriteEndArray();
    }

    private static void WritePrimitive(Utf8JsonWriter w, string property, List<ElementNode> group, bool repeats, FhirDefinitions defs)
    {
        var anyValue = group.Any(n => n.Value is not null);
        var anyExtras = group.Any(n => n.Children.Count > 0);
        if (!repeats)
        {
            var n = group[0];
            if (n.Value is not null || !anyExtras)
            {
                w.WritePropertyName(property);
                WriteValue(w, n);
            }
            if (anyExtras)
            {
                w.WritePropertyName("_" + property);
                w.WriteStartObject();
                WriteMembers(w, n, defs);
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
            w.WriteStartArray("_" + property);
            foreach (var n in group)
            {
                if (n.Children.Count == 0) { w.WriteNullValue(); continue; }
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
            // a long value the parser kept as UTF-8 is written from it, never decoded
            case PrimitiveKind.String when n.Utf8Value is { } utf8: w.WriteStringValue(utf8); break;
            case PrimitiveKind.String: w.WriteStringValue(n.Value); break;
            case PrimitiveKind.Number: w.WriteRawValue(n.Value!, skipInputValidation: true); break;
            case PrimitiveKind.Boolean: w.WriteBooleanValue(n.Value == "true"); break;
            default: w.WriteNullValue(); break;
        }
    }
}
