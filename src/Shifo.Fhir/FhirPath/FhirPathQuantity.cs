using System.Globalization;

namespace Shifo.Fhir.FhirPath;

/// <summary>
/// A FHIRPath Quantity: a decimal value and a unit, either a UCUM code ("mg", "[lb_av]", "1") or a calendar
/// duration keyword ("year", "months", "day"). Calendar keywords up to weeks equal their UCUM units; years and
/// months do not (a UCUM 'a' is a mean Julian year, not a calendar year).
/// </summary>
public sealed class FhirPathQuantity
{
    public FhirPathQuantity(decimal value, string unit)
    {
        Value = value;
        Unit = unit;
    }

    public decimal Value { get; }
    public string Unit { get; }

    /// <summary>True when the unit is a calendar keyword (written without quotes in FHIRPath).</summary>
    public bool IsCalendarUnit => CalendarToUcum(Unit) is not null;

    /// <summary>The UCUM code a calendar keyword stands for in comparisons; years and months map to calendar-only units.</summary>
    internal static string? CalendarToUcum(string unit) => unit switch
    {
        "year" or "years" => "[cal_year]",
        "month" or "months" => "[cal_month]",
        "week" or "weeks" => "wk",
        "day" or "days" => "d",
        "hour" or "hours" => "h",
        "minute" or "minutes" => "min",
        "second" or "seconds" => "s",
        "millisecond" or "milliseconds" => "ms",
        _ => null,
    };

    private string ComparisonUnit => CalendarToUcum(Unit) ?? Unit;

    /// <summary>This quantity's value expressed in the other's unit, or null if the units do not convert.</summary>
    private decimal? ValueIn(FhirPathQuantity other)
    {
        var a = ComparisonUnit;
        var b = other.ComparisonUnit;
        if (a == b) return Value;
        if (Ucum.ToCanonical(a) is not { } ca || Ucum.ToCanonical(b) is not { } cb || !ca.SameDimensions(cb)) return null;
        return Value * ca.Factor / cb.Factor;
    }

    /// <summary>Compares in common units: null when the units do not convert.</summary>
    public static int? Compare(FhirPathQuantity a, FhirPathQuantity b)
    {
        // compare in the smaller unit, which keeps the exact decimal (4 g vs 4000 mg)
        var av = a.ValueIn(b);
        if (av is null) return null;
        return av.Value.CompareTo(b.Value);
    }

    public static bool? AreEqual(FhirPathQuantity a, FhirPathQuantity b) => Compare(a, b) is { } c ? c == 0 : null;

    /// <summary>Equivalence: convertible units, values equal at the precision of the less precise one.</summary>
    public static bool Equivalent(FhirPathQuantity a, FhirPathQuantity b)
    {
        if (a.ValueIn(b) is not { } av) return false;
        // compare in the larger unit, where the less precise value keeps its precision (4 g ~ 4040 mg)
        var fa = Ucum.ToCanonical(a.ComparisonUnit)?.Factor ?? 1m;
        var fb = Ucum.ToCanonical(b.ComparisonUnit)?.Factor ?? 1m;
        if (fa > fb && b.ValueIn(a) is { } bv) return FhirPathValues.DecimalEquivalent(a.Value, bv);
        return FhirPathValues.DecimalEquivalent(av, b.Value);
    }

    public static bool IsComparable(FhirPathQuantity a, FhirPathQuantity b) => a.ValueIn(b) is not null;

    public FhirPathQuantity Add(FhirPathQuantity other, int sign)
    {
        var ov = other.ValueIn(this) ?? throw new FhirPathEvaluationException($"Cannot add quantities in '{Unit}' and '{other.Unit}'.");
        return new FhirPathQuantity(Value + sign * ov, Unit);
    }

    public FhirPathQuantity Multiply(FhirPathQuantity other) =>
        new(Value * other.Value, Combine(ComparisonUnit, ".", other.ComparisonUnit));

    public FhirPathQuantity? Divide(FhirPathQuantity other) =>
        other.Value == 0 ? null : new(Value / other.Value, Combine(ComparisonUnit, "/", other.ComparisonUnit));

    private static string Combine(string a, string op, string b)
    {
        if (b == "1") return a;
        if (a == "1" && op == ".") return b;
        static string Wrap(string u) => u.IndexOfAny(['.', '/']) >= 0 ? "(" + u + ")" : u;
        return Wrap(a) + op + Wrap(b);
    }

    public override bool Equals(object? obj) => obj is FhirPathQuantity q && AreEqual(this, q) == true;
    public override int GetHashCode() => Unit.GetHashCode();

    /// <summary>The FHIRPath literal form: <c>4.5 'mg'</c> or <c>3 days</c>.</summary>
    public override string ToString()
    {
        var v = Value.ToString(CultureInfo.InvariantCulture);
        return IsCalendarUnit ? $"{v} {Unit}" : $"{v} '{Unit}'";
    }

    /// <summary>Parses "1 'wk'", "1 day", "1.5" (unit '1'); null when the text is not a quantity.</summary>
    public static FhirPathQuantity? Parse(string text)
    {
        text = text.Trim();
        var space = text.IndexOf(' ');
        var number = space < 0 ? text : text[..space];
        if (!FhirPathValues.TryParseDecimal(number, out var value)) return null;
        if (space < 0) return new FhirPathQuantity(value, "1");
        var unit = text[(space + 1)..].Trim();
        if (unit.Length >= 2 && unit[0] == '\'' && unit[^1] == '\'') return new FhirPathQuantity(value, unit[1..^1]);
        return CalendarToUcum(unit) is not null ? new FhirPathQuantity(value, unit) : null;
    }
}
