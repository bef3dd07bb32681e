using System.Globalization;
using System.Text.RegularExpressions;

namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>iif and the toX()/convertsToX() pairs.</summary>
internal static partial class ConversionFunctions
{
    public static void Register(Registrar add)
    {
        add("iif", 2, 3, static (s, focus, args, input) =>
        {
            if (focus.Count > 1) throw new FhirPathEvaluationException("iif() can only be invoked on a single item.");
            IReadOnlyList<object> Arg(int i) => focus.Count == 1 && !ReferenceEquals(focus, input) ? s.WithThis(focus[0], 0, args[i]) : args[i](s, input);
            var criterion = Collections.ToStrictBoolean(Arg(0), "iif()");
            if (criterion == true) return Arg(1);
            return args.Length > 2 ? Arg(2) : Collections.Empty;
        });
        Pair(add, "Boolean", ToBoolean);
        Pair(add, "Integer", ToInteger);
        Pair(add, "Decimal", ToDecimal);
        Pair(add, "String", v => FhirPathValues.ToStringValue(v));
        Pair(add, "Date", ToDate);
        Pair(add, "DateTime", ToDateTime);
        Pair(add, "Time", ToTime);
        add("toQuantity", 0, 1, static (s, focus, args, input) => Collections.Of(QuantityOf(s, focus, args, input)));
        add("convertsToQuantity", 0, 1, static (s, focus, args, input) => Collections.Bool(
            Collections.SingleOrNone(focus, "convertsToQuantity()") is null ? null : QuantityOf(s, focus, args, input) is not null));
    }

    private static void Pair(Registrar add, string type, Func<object, object?> convert)
    {
        add("to" + type, 0, 0, (_, focus, _, _) =>
        {
            var item = Collections.SingleOrNone(focus, $"to{type}()");
            return item is null ? Collections.Empty : Collections.Of(convert(FhirPathValues.Normalize(item)));
        });
        add("convertsTo" + type, 0, 0, (_, focus, _, _) =>
        {
            var item = Collections.SingleOrNone(focus, $"convertsTo{type}()");
            return item is null ? Collections.Empty : Collections.Bool(convert(FhirPathValues.Normalize(item)) is not null);
        });
    }

    public static object? ToBoolean(object v) => v switch
    {
        bool => v,
        long l => l == 1 ? FhirPathValues.True : l == 0 ? FhirPathValues.False : null,
        decimal d => d == 1m ? FhirPathValues.True : d == 0m ? FhirPathValues.False : null,
        string s => s.ToLowerInvariant() switch
        {
            "true" or "t" or "yes" or "y" or "1" or "1.0" => FhirPathValues.True,
            "false" or "f" or "no" or "n" or "0" or "0.0" => FhirPathValues.False,
            _ => null,
        },
        _ => null,
    };

    [GeneratedRegex(@"^[+-]?\d+$")]
    private static partial Regex IntegerText();

    public static object? ToInteger(object v) => v switch
    {
        long => v,
        bool b => b ? 1L : 0L,
        string s when IntegerText().IsMatch(s) && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
        _ => null,
    };

    public static object? ToDecimal(object v) => v switch
    {
        decimal => v,
        long l => (decimal)l,
        bool b => b ? 1.0m : 0.0m,
        string s when FhirPathValues.TryParseDecimal(s.StartsWith('+') ? s[1..] : s, out var d) => d,
        _ => null,
    };

    private static object? ToDate(object v) => v switch
    {
        FhirPathDate => v,
        FhirPathDateTime dt => new FhirPathDate(dt.Year, dt.Month, dt.Day, dt.Precision > TemporalPrecision.Day ? TemporalPrecision.Day : dt.Precision),
        string s => FhirPathTemporal.Parse(s) switch
        {
            FhirPathDate d => d,
            FhirPathDateTime dt => ToDate(dt),
            _ => null,
        },
        _ => null,
    };

    private static object? ToDateTime(object v) => v switch
    {
        FhirPathDateTime => v,
        FhirPathDate d => d.ToDateTimeValue(),
        string s => FhirPathTemporal.Parse(s) switch
        {
            FhirPathDate d => d.ToDateTimeValue(),
            FhirPathDateTime dt => dt,
            _ => null,
        },
        _ => null,
    };

    private static object? ToTime(object v) => v switch
    {
        FhirPathTime => v,
        string s => FhirPathTemporal.Parse(s.StartsWith('T') ? s[1..] : s, isTime: true),
        _ => null,
    };

    private static FhirPathQuantity? QuantityOf(Scope s, IReadOnlyList<object> focus, Eval[] args, IReadOnlyList<object> input)
    {
        var item = Collections.SingleOrNone(focus, "toQuantity()");
        if (item is null) return null;
        FhirPathQuantity? q = FhirPathValues.Normalize(item) switch
        {
            FhirPathQuantity x => x,
            long l => new FhirPathQuantity(l, "1"),
            decimal d => new FhirPathQuantity(d, "1"),
            bool b => new FhirPathQuantity(b ? 1.0m : 0.0m, "1"),
            string t => FhirPathQuantity.Parse(t),
            _ => null,
        };
        if (q is null || args.Length == 0) return q;
        var unit = Args.String(s, args, 0, input, "toQuantity");
        if (unit is null || unit == q.Unit) return q;
        var target = new FhirPathQuantity(1m, unit);
        if (!FhirPathQuantity.IsComparable(q, target)) return null;
        var factor = Ucum.ToCanonical(FhirPathQuantity.CalendarToUcum(q.Unit) ?? q.Unit)!.Factor
                     / Ucum.ToCanonical(FhirPathQuantity.CalendarToUcum(unit) ?? unit)!.Factor;
        return new FhirPathQuantity(q.Value * factor, unit);
    }
}
