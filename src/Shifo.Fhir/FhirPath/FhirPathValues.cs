using System.Collections.Concurrent;
using System.Globalization;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.FhirPath;

/// <summary>
/// The System values FHIRPath computes with, and how FHIR nodes become them. Result items of an evaluation are
/// <see cref="ElementNode"/> (FHIR data) or System values: <see cref="bool"/> (Boolean), <see cref="long"/> (Integer),
/// <see cref="decimal"/> (Decimal), <see cref="string"/> (String), <see cref="FhirPathDate"/>, <see cref="FhirPathDateTime"/>,
/// <see cref="FhirPathTime"/> and <see cref="FhirPathQuantity"/>.
/// </summary>
public static class FhirPathValues
{
    internal static readonly object True = true;
    internal static readonly object False = false;
    internal static object Box(bool b) => b ? True : False;

    private static readonly ConcurrentDictionary<string, string?> SystemTypeByFhirType = new(StringComparer.Ordinal);

    /// <summary>
    /// The System type name ("String", "Integer", "Decimal", "Boolean", "Date", "DateTime", "Time") that holds the values
    /// of a FHIR primitive type, read from the definitions (positiveInt is an Integer, code a String, ...); null for non-primitives.
    /// </summary>
    public static string? SystemTypeOf(string fhirType) => SystemTypeByFhirType.GetOrAdd(fhirType, static t =>
    {
        var defs = FhirDefinitions.R4;
        if (!defs.IsPrimitiveType(t)) return null;
        // the outermost primitive ancestor says what the value is (the snapshot of positiveInt calls it a String)
        var type = t;
        for (var sd = defs.GetType(t); sd?.BaseDefinition is { } b && defs.GetByUrl(b) is { IsPrimitive: true } parent; sd = parent)
            type = parent.Type;
        var valueElement = defs.GetType(type)?.FindByPath(type + ".value");
        return valueElement?.Types.FirstOrDefault()?.SystemType ?? "String";
    });

    /// <summary>
    /// The System value of a primitive FHIR node (a <c>date</c> becomes a <see cref="FhirPathDate"/>, a <c>positiveInt</c> a
    /// <see cref="long"/>, a <c>code</c> a <see cref="string"/>); null when the node has no value or is not a primitive.
    /// </summary>
    public static object? ToSystemValue(ElementNode node)
    {
        if (node.Value is not { } text) return null;
        switch (SystemTypeOf(node.TypeName))
        {
            case "Boolean": return text == "true" ? True : text == "false" ? False : null;
            case "Integer": return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null;
            case "Decimal": return TryParseDecimal(text, out var d) ? d : null;
            case "Date": return FhirPathTemporal.Parse(text);
            // a dateTime written as a date is still a DateTime (of day precision)
            case "DateTime": return FhirPathTemporal.Parse(text) is FhirPathDate day ? day.ToDateTimeValue() : FhirPathTemporal.Parse(text);
            case "Time": return FhirPathTemporal.Parse(text, isTime: true);
            case null: return node.ValueKind == PrimitiveKind.None ? null : text; // unknown element with a JSON value
            default: return text;
        }
    }

    /// <summary>A FHIR Quantity (or Age, Duration, ...) node as a System Quantity; UCUM code preferred over the display unit.</summary>
    public static FhirPathQuantity? ToQuantity(ElementNode node)
    {
        if (node.Child("value") is not { } v || ToSystemValue(v) is not { } value) return null;
        var amount = value is long l ? l : value is decimal d ? d : 0m;
        var code = node.Child("code")?.Value;
        var system = node.Child("system")?.Value;
        var unit = code is not null && (system is null || system == "http://unitsofmeasure.org") ? code : node.Child("unit")?.Value ?? code ?? "1";
        return new FhirPathQuantity(amount, unit);
    }

    internal static bool IsQuantityNode(ElementNode node) =>
        node.TypeName == "Quantity" || (node.TypeName is "Age" or "Duration" or "Distance" or "Count" or "SimpleQuantity" or "MoneyQuantity"
            && FhirDefinitions.R4.IsSubtypeOf(node.TypeName, "Quantity"));

    /// <summary>The item as a System value when it is a primitive or a quantity node, else the item itself.</summary>
    internal static object Normalize(object item)
    {
        if (item is not ElementNode node) return item;
        if (node.Value is not null) return ToSystemValue(node) ?? (object)node;
        if (IsQuantityNode(node)) return ToQuantity(node) ?? (object)node;
        return node;
    }

    public static bool TryParseDecimal(string text, out decimal value)
    {
        value = 0;
        if (text.Length == 0 || text.Contains('e') || text.Contains('E')) return false;
        return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
            && !text.EndsWith('.') && !text.StartsWith('.');
    }

    internal static int Scale(decimal d) => (decimal.GetBits(d)[3] >> 16) & 0xFF;

    /// <summary>Decimal equivalence: equal when rounded to the precision of the less precise operand.</summary>
    public static bool DecimalEquivalent(decimal a, decimal b)
    {
        var scale = Math.Min(Scale(a), Scale(b));
        return Math.Round(a, scale, MidpointRounding.AwayFromZero) == Math.Round(b, scale, MidpointRounding.AwayFromZero);
    }

    /// <summary>FHIRPath '=' on two items: null when undetermined (dates of different precision, inconvertible units).</summary>
    public static bool? ItemsEqual(object a, object b)
    {
        if (ReferenceEquals(a, b)) return true;
        var x = Normalize(a);
        var y = Normalize(b);
        switch (x)
        {
            case string s: return y is string t ? string.Equals(s, t, StringComparison.Ordinal) : false;
            case bool p: return y is bool q ? p == q : false;
            case long i when y is long j: return i == j;
            case long or decimal when y is long or decimal: return ToDecimal(x) == ToDecimal(y);
            case FhirPathTemporal ta when y is FhirPathTemporal tb:
                if (ta.IsTime != tb.IsTime) return false;
                return FhirPathTemporal.Compare(ta, tb) is { } c ? c == 0 : null;
            case FhirPathQuantity qa when y is FhirPathQuantity qb: return FhirPathQuantity.AreEqual(qa, qb);
            case ElementNode na when y is ElementNode nb: return NodesEqual(na, nb, equivalent: false);
            case FhirPathTypeInfo ia when y is FhirPathTypeInfo ib: return ia.Equals(ib);
            default: return false;
        }
    }

    /// <summary>FHIRPath '~' on two items: never undetermined.</summary>
    public static bool ItemsEquivalent(object a, object b)
    {
        if (ReferenceEquals(a, b)) return true;
        var x = Normalize(a);
        var y = Normalize(b);
        switch (x)
        {
            case string s: return y is string t && string.Equals(NormalizeWhitespace(s), NormalizeWhitespace(t), StringComparison.OrdinalIgnoreCase);
            case bool p: return y is bool q && p == q;
            case long or decimal when y is long or decimal: return DecimalEquivalent(ToDecimal(x), ToDecimal(y));
            case FhirPathTemporal ta when y is FhirPathTemporal tb: return FhirPathTemporal.Equivalent(ta, tb);
            case FhirPathQuantity qa when y is FhirPathQuantity qb: return FhirPathQuantity.Equivalent(qa, qb);
            case ElementNode na when y is ElementNode nb: return NodesEqual(na, nb, equivalent: true) == true;
            default: return false;
        }
    }

    private static string NormalizeWhitespace(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static bool? NodesEqual(ElementNode a, ElementNode b, bool equivalent)
    {
        if (a.Value is not null || b.Value is not null)
        {
            if (a.Value is null || b.Value is null) return false;
            var v = equivalent ? ItemsEquivalent(a, b) : ItemsEqual(a, b);
            if (v != true) return v;
        }
        var ca = a.Children;
        var cb = b.Children;
        if (equivalent)
        {
            // equivalence ignores ids
            ca = ca.Where(c => c.Name != "id").ToList();
            cb = cb.Where(c => c.Name != "id").ToList();
        }
        if (ca.Count != cb.Count) return false;
        for (var i = 0; i < ca.Count; i++)
        {
            if (ca[i].Name != cb[i].Name) return false;
            var r = NodesEqual(ca[i], cb[i], equivalent);
            if (r != true) return r;
        }
        return true;
    }

    internal static decimal ToDecimal(object o) => o is long l ? l : (decimal)o;

    /// <summary>Ordering for &lt; &gt; &lt;= &gt;=: null when undetermined; throws for values of types that do not order.</summary>
    public static int? CompareItems(object a, object b)
    {
        var x = Normalize(a);
        var y = Normalize(b);
        switch (x)
        {
            case long i when y is long j: return i.CompareTo(j);
            case long or decimal when y is long or decimal: return ToDecimal(x).CompareTo(ToDecimal(y));
            case string s when y is string t: return Math.Sign(string.CompareOrdinal(s, t));
            case FhirPathTemporal ta when y is FhirPathTemporal tb: return FhirPathTemporal.Compare(ta, tb);
            case FhirPathQuantity qa when y is FhirPathQuantity qb: return FhirPathQuantity.Compare(qa, qb);
        }
        throw new FhirPathEvaluationException($"Cannot compare {TypeNameOf(x)} with {TypeNameOf(y)}.");
    }

    /// <summary>The type name of an item as FHIRPath reports it: System names for System values, the FHIR type for nodes.</summary>
    public static string TypeNameOf(object item) => item switch
    {
        bool => "Boolean",
        long => "Integer",
        decimal => "Decimal",
        string => "String",
        FhirPathTemporal t => t.TypeName,
        FhirPathQuantity => "Quantity",
        ElementNode n => n.TypeName,
        FhirPathTypeInfo => "TypeInfo",
        _ => item.GetType().Name,
    };

    /// <summary>The string form used by toString() and string concatenation; null when the item has none.</summary>
    public static string? ToStringValue(object item) => Normalize(item) switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        FhirPathTemporal t => t.ToString(),
        FhirPathQuantity q => q.ToString(),
        _ => null,
    };
}

/// <summary>What type() returns: a type's namespace ("System" or "FHIR") and name.</summary>
public sealed record FhirPathTypeInfo(string Namespace, string Name);
