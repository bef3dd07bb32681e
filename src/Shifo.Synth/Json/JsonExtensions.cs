using System.Text.Json;

namespace Shifo.Synth.Json;

/// <summary>Writes the FHIR data types the generator needs straight to a Utf8JsonWriter (no object model in between).</summary>
internal static class JsonExtensions
{
    /// <summary>Asia/Tashkent has no daylight saving time: a fixed +05:00 offset is exact.</summary>
    public const string Offset = "+05:00";

    public static void WriteCoding(this Utf8JsonWriter w, Code c)
    {
        w.WriteStartObject();
        w.WriteString("system", c.System);
        w.WriteString("code", c.Value);
        w.WriteString("display", c.Display);
        w.WriteEndObject();
    }

    /// <summary>"name": { "coding": [ ... ], "text": ... }.</summary>
    public static void WriteConcept(this Utf8JsonWriter w, string name, Code c, string? text = null)
    {
        w.WriteStartObject(name);
        w.WriteStartArray("coding");
        w.WriteCoding(c);
        w.WriteEndArray();
        if (text is not null) w.WriteString("text", text);
        w.WriteEndObject();
    }

    /// <summary>"name": [ { "coding": [ ... ] } ] for the 0..* CodeableConcept elements (category, type, ...).</summary>
    public static void WriteConceptArray(this Utf8JsonWriter w, string name, Code c)
    {
        w.WriteStartArray(name);
        w.WriteStartObject();
        w.WriteStartArray("coding");
        w.WriteCoding(c);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    public static void WriteReference(this Utf8JsonWriter w, string name, string reference, string? display = null)
    {
        w.WriteStartObject(name);
        w.WriteString("reference", reference);
        if (display is not null) w.WriteString("display", display);
        w.WriteEndObject();
    }

    public static void WriteReferenceArray(this Utf8JsonWriter w, string name, string reference, string? display = null)
    {
        w.WriteStartArray(name);
        w.WriteStartObject();
        w.WriteString("reference", reference);
        if (display is not null) w.WriteString("display", display);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    /// <summary>A UCUM quantity, rounded to a fixed number of decimals (decimal keeps them: 120.0 stays 120.0).</summary>
    public static void WriteQuantity(this Utf8JsonWriter w, string name, double value, int decimals, string unit)
    {
        w.WriteStartObject(name);
        w.WriteNumber("value", Math.Round((decimal)value, decimals, MidpointRounding.AwayFromZero));
        w.WriteString("unit", unit);
        w.WriteString("system", ShifoSystems.Ucum);
        w.WriteString("code", unit);
        w.WriteEndObject();
    }

    public static void WriteDate(this Utf8JsonWriter w, string name, DateOnly d) =>
        w.WriteString(name, d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

    public static void WriteDateTime(this Utf8JsonWriter w, string name, DateTime local) =>
        w.WriteString(name, local.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + Offset);

    public static void WritePeriod(this Utf8JsonWriter w, string name, DateTime start, DateTime? end)
    {
        w.WriteStartObject(name);
        w.WriteDateTime("start", start);
        if (end is { } e) w.WriteDateTime("end", e);
        w.WriteEndObject();
    }

    public static void WriteIdentifier(this Utf8JsonWriter w, Code? type, string system, string value)
    {
        w.WriteStartObject();
        if (type is not null) w.WriteConcept("type", type);
        w.WriteString("system", system);
        w.WriteString("value", value);
        w.WriteEndObject();
    }
}
