using Shifo.Fhir.Model;

namespace Shifo.Fhir.Serialization;

/// <summary>
/// How FHIR's JSON format writes each primitive type (FHIR R4 JSON representation, "primitive types"):
/// booleans as JSON booleans, integer, decimal, positiveInt and unsignedInt as JSON numbers, all others as
/// strings. The 4.0.1 definitions carry no usable json-type marker (positiveInt's value is typed
/// System.String there), so the rule of the JSON format page is kept here, in this one place.
/// </summary>
public static class PrimitiveJson
{
    public static PrimitiveKind KindOf(string primitiveType) => primitiveType switch
    {
        "boolean" => PrimitiveKind.Boolean,
        "integer" or "decimal" or "positiveInt" or "unsignedInt" => PrimitiveKind.Number,
        _ => PrimitiveKind.String,
    };

    public static string Describe(PrimitiveKind kind) => kind switch
    {
        PrimitiveKind.Boolean => "boolean",
        PrimitiveKind.Number => "number",
        PrimitiveKind.String => "string",
        _ => "nothing",
    };
}
