using System.Globalization;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;

namespace Shifo.Storage.Indexing;

/// <summary>
/// Turns the values a search parameter's expression selects into index rows of the parameter's type, following
/// the spec's rules for each data type (HumanName and Address by their parts, CodeableConcept by its codings,
/// Period by its bounds, Range by its low and high, references by type and id, ...).
/// </summary>
internal sealed class IndexValues(FhirDefinitions definitions, string param, int? group, int? component, List<IndexRow> rows)
{
    public void Add(string parameterType, object item)
    {
        switch (parameterType)
        {
            case "string": AddString(item); break;
            case "token": AddToken(item); break;
            case "reference": AddReference(item); break;
            case "date": AddDate(item); break;
            case "number": AddNumber(item); break;
            case "quantity": AddQuantity(item); break;
            case "uri": AddUri(item); break;
        }
    }

    private void Row(IndexTable table, params object?[] values) => rows.Add(new IndexRow(table, param, group, component, values));

    private static string? Text(object item) => item switch
    {
        ElementNode n => n.Value,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => item.ToString(),
    };

    private static string? Val(ElementNode n, string child) => n.Child(child)?.Value;

    // ---------------- string ----------------

    private void AddString(object item)
    {
        if (item is ElementNode { Value: null } complex)
        {
            // HumanName, Address and the like: every textual part is searchable on its own
            foreach (var part in complex.Children)
                if (part.Name is not ("extension" or "period" or "use" or "type") && part.Value is not null) StringRow(part.Value);
            return;
        }
        if (Text(item) is { Length: > 0 } s) StringRow(s);
    }

    private void StringRow(string value)
    {
        // long text (narrative, markdown) is cut: string search matches on the start of words
        var exact = value.Length > 512 ? value[..512] : value;
        var norm = TextNormalizer.Normalize(exact);
        Row(IndexTable.String, norm, exact);
    }

    // ---------------- token ----------------

    private void AddToken(object item)
    {
        if (item is not ElementNode n)
        {
            if (Text(item) is { } v) TokenRow(null, v, null);
            return;
        }
        switch (n.TypeName)
        {
            case "Coding":
                Coding(n, null);
                break;
            case "CodeableConcept":
                var text = Val(n, "text");
                foreach (var coding in n.ChildrenNamed("coding")) Coding(coding, text);
                if (text is not null) TokenRow(null, null, TextNormalizer.Normalize(text));
                break;
            case "Identifier":
                var typeText = n.Child("type") is { } type ? Val(type, "text") ?? type.ChildrenNamed("coding").Select(c => Val(c, "display")).FirstOrDefault(d => d is not null) : null;
                var typeCoding = n.Child("type")?.ChildrenNamed("coding").FirstOrDefault(c => Val(c, "code") is not null);
                if (Val(n, "value") is not null || Val(n, "system") is not null)
                    TokenRow(Val(n, "system"), Val(n, "value"), typeText is null ? null : TextNormalizer.Normalize(typeText),
                        typeCoding is null ? null : Val(typeCoding, "system"), typeCoding is null ? null : Val(typeCoding, "code"));
                break;
            case "ContactPoint":
                if (Val(n, "value") is { } cp) TokenRow(null, cp, null);
                break;
            default:
                if (n.Value is { } code) TokenRow(ImplicitSystem(n), code, null);
                break;
        }
    }

    private void TokenRow(string? system, string? code, string? textNorm, string? typeSystem = null, string? typeCode = null) =>
        Row(IndexTable.Token, system, code, textNorm, typeSystem, typeCode);

    private void Coding(ElementNode coding, string? conceptText)
    {
        var system = Val(coding, "system");
        var code = Val(coding, "code");
        if (system is null && code is null) return;
        var display = Val(coding, "display") ?? conceptText;
        TokenRow(system, code, display is null ? null : TextNormalizer.Normalize(display));
    }

    /// <summary>A bare code (Patient.gender) belongs to the one code system its required binding draws on.</summary>
    private string? ImplicitSystem(ElementNode n)
    {
        if (n.TypeName != "code" || n.Definition?.Binding is not { } binding) return null;
        var systems = definitions.GetValueSet(binding.ValueSet)?.Systems.Take(2).ToList();
        return systems is { Count: 1 } ? systems[0] : null;
    }

    // ---------------- reference ----------------

    private void AddReference(object item)
    {
        if (item is ElementNode { TypeName: "Reference" } r)
        {
            var reference = Val(r, "reference");
            var identifier = r.Child("identifier");
            string? identSystem = null, identValue = null;
            if (identifier is not null)
            {
                identSystem = Val(identifier, "system");
                identValue = Val(identifier, "value");
            }
            if (reference is null && identValue is null) return;
            var (type, id, version, url) = ParseReference(reference, Val(r, "type"));
            Row(IndexTable.Reference, type, id, version, url, identSystem, identValue);
            return;
        }
        // canonical and uri references
        if (Text(item) is not { Length: > 0 } s) return;
        var bar = s.IndexOf('|');
        Row(IndexTable.Reference, null, null, bar < 0 ? null : s[(bar + 1)..], bar < 0 ? s : s[..bar], null, null);
    }

    /// <summary>
    /// Splits "Type/id", "Type/id/_history/v" or "http://base/Type/id" into its parts; contained (#x) and other URLs
    /// keep only the URL; a reference by identifier alone keeps its declared type (what a patient parameter asks of it).
    /// </summary>
    internal static (string? Type, string? Id, string? Version, string? Url) ParseReference(string? reference, string? declaredType)
    {
        if (string.IsNullOrEmpty(reference)) return (declaredType, null, null, null);
        if (reference.StartsWith('#')) return (null, null, null, reference);
        var isAbsolute = reference.Contains("://", StringComparison.Ordinal) || reference.StartsWith("urn:", StringComparison.Ordinal);
        var parts = reference.Split('/');
        string? version = null;
        var end = parts.Length;
        if (end >= 4 && parts[end - 2] == "_history")
        {
            version = parts[end - 1];
            end -= 2;
        }
        if (end >= 2 && FhirDefinitions.R4.IsResourceType(parts[end - 2]) && parts[end - 1].Length > 0)
            return (parts[end - 2], parts[end - 1], version, isAbsolute ? reference : null);
        return (declaredType, null, null, reference);
    }

    // ---------------- date ----------------

    private void AddDate(object item)
    {
        if (item is ElementNode { Value: null } n)
        {
            switch (n.TypeName)
            {
                case "Period":
                    var low = FhirDateRange.TryParse(Val(n, "start"), out var start) ? start.Low : FhirDateRange.MinValue;
                    var high = FhirDateRange.TryParse(Val(n, "end"), out var end) ? end.High : FhirDateRange.MaxValue;
                    if (low != FhirDateRange.MinValue || high != FhirDateRange.MaxValue) Row(IndexTable.Date, low, high);
                    break;
                case "Timing":
                    var events = n.ChildrenNamed("event").Select(e => FhirDateRange.TryParse(e.Value, out var r) ? r : (FhirDateRange?)null)
                        .Where(r => r is not null).Select(r => r!.Value).ToList();
                    if (events.Count > 0) Row(IndexTable.Date, events.Min(e => e.Low), events.Max(e => e.High));
                    else if (n.Child("repeat")?.Child("bounds") is { TypeName: "Period" } bounds) AddDate(bounds);
                    break;
            }
            return;
        }
        if (item is DateTimeOffset dto) { var p = FhirDateRange.Point(dto); Row(IndexTable.Date, p.Low, p.High); return; }
        if (FhirDateRange.TryParse(Text(item), out var range)) Row(IndexTable.Date, range.Low, range.High);
    }

    // ---------------- number ----------------

    private void AddNumber(object item)
    {
        if (DecimalRange.TryParse(Text(item), out var d)) Row(IndexTable.Number, d.Value, d.Low, d.High);
    }

    // ---------------- quantity ----------------

    private void AddQuantity(object item)
    {
        if (item is not ElementNode n) return;
        if (n.TypeName == "Range")
        {
            double? low = DecimalRange.TryParse(n.Child("low") is { } l ? Val(l, "value") : null, out var lo) ? lo.Value : null;
            double? high = DecimalRange.TryParse(n.Child("high") is { } h ? Val(h, "value") : null, out var hi) ? hi.Value : null;
            if (low is null && high is null) return;
            var q = n.Child("low") ?? n.Child("high")!;
            QuantityRow(Val(q, "system"), Val(q, "code") ?? Val(q, "unit"), null, low ?? double.NegativeInfinity, high ?? double.PositiveInfinity);
            return;
        }
        if (!DecimalRange.TryParse(Val(n, "value"), out var v)) return;
        if (n.TypeName == "Money")
        {
            QuantityRow("urn:iso:std:iso:4217", Val(n, "currency"), v.Value, v.Low, v.High);
            return;
        }
        QuantityRow(Val(n, "system"), Val(n, "code") ?? Val(n, "unit"), v.Value, v.Low, v.High);
    }

    private void QuantityRow(string? system, string? code, double? value, double low, double high)
    {
        string? normCode = null;
        double? normValue = null, normLow = null, normHigh = null;
        if (system == UcumNormalizer.UcumSystem && UcumNormalizer.Canonicalize(code) is { } canonical)
        {
            normCode = canonical.Code;
            normValue = value * canonical.Factor;
            normLow = low * canonical.Factor;
            normHigh = high * canonical.Factor;
        }
        Row(IndexTable.Quantity, system, code, value, Finite(low), Finite(high), normCode, normValue, Finite(normLow), Finite(normHigh));
    }

    // open ends of a range are stored as the largest doubles: infinities are not portable between the two stores
    private static double? Finite(double? d) => d switch
    {
        double.NegativeInfinity => double.MinValue,
        double.PositiveInfinity => double.MaxValue,
        _ => d,
    };

    // ---------------- uri ----------------

    private void AddUri(object item)
    {
        if (Text(item) is { Length: > 0 } s) Row(IndexTable.Uri, s);
    }
}
