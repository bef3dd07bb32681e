using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;

namespace Shifo.Cli;

/// <summary>
/// A FHIRPath result collection as a JSON array: resources and complex elements as their FHIR JSON, primitive
/// elements as their JSON value, System booleans, integers, decimals and strings as JSON values, and the other
/// System types (dates, times, quantities) as their FHIRPath literal text.
/// </summary>
public static class FhirPathResultJson
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(IReadOnlyList<object> items)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartArray();
            foreach (var item in items) WriteItem(w, item);
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteItem(Utf8JsonWriter w, object item)
    {
        switch (item)
        {
            case ElementNode { HasValue: true } primitive: WritePrimitive(w, primitive); break;
            case ElementNode node: FhirJsonWriter.Write(w, node); break;
            case bool b: w.WriteBooleanValue(b); break;
            case long l: w.WriteNumberValue(l); break;
            case int i: w.WriteNumberValue(i); break;
            // System.Decimal keeps its scale when written: 1.50 stays 1.50
            case decimal d: w.WriteNumberValue(d); break;
            case string s: w.WriteStringValue(s); break;
            default: w.WriteStringValue(Convert.ToString(item, CultureInfo.InvariantCulture)); break;
        }
    }

    private static void WritePrimitive(Utf8JsonWriter w, ElementNode node)
    {
        switch (node.ValueKind)
        {
            case PrimitiveKind.Number: WriteNumber(w, node.Value!); break;
            case PrimitiveKind.Boolean: w.WriteBooleanValue(node.Value == "true"); break;
            default: w.WriteStringValue(node.Value); break;
        }
    }

    // Numbers are written as they were in the resource. WriteRawValue would do that but loses the indentation
    // inside an array, so a number that a decimal reproduces exactly goes through WriteNumberValue instead.
    private static void WriteNumber(Utf8JsonWriter w, string text)
    {
        if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)
            && d.ToString(CultureInfo.InvariantCulture) == text)
            w.WriteNumberValue(d);
        else
            w.WriteRawValue(text, skipInputValidation: true);
    }
}
