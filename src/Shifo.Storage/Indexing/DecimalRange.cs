using System.Globalization;

namespace Shifo.Storage.Indexing;

/// <summary>
/// A decimal with the range its written precision implies: "100" is [99.5, 100.5], "1.50" is [1.495, 1.505]
/// (FHIR search: numbers are compared as ranges of their significant digits). Stored as doubles in both stores.
/// </summary>
public readonly record struct DecimalRange(double Value, double Low, double High)
{
    public static bool TryParse(string? text, out DecimalRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (!decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return false;
        var mantissa = s;
        var exponent = 0;
        var e = s.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            mantissa = s[..e];
            if (!int.TryParse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent)) return false;
        }
        var dot = mantissa.IndexOf('.');
        var decimals = (dot < 0 ? 0 : mantissa.Length - dot - 1) - exponent;
        var half = 0.5 * Math.Pow(10, -decimals);
        var v = (double)value;
        range = new DecimalRange(v, v - half, v + half);
        return true;
    }
}
