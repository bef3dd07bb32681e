using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.Validation;

/// <summary>
/// The value rule of one primitive type: the regular expression of its definition (compiled once, matched
/// whole) plus the range checks a regular expression cannot express (32-bit integers, real calendar dates).
/// </summary>
internal sealed class PrimitiveFormat
{
    private readonly Regex? _regex;
    private readonly NativeFormats.CharCheck? _native;
    private readonly NativeFormats.Utf8Check? _nativeUtf8;

    public PrimitiveFormat(string type, string? pattern)
    {
        Type = type;
        Pattern = pattern;
        if (pattern is null) return;
        _native = NativeFormats.For(pattern);
        _nativeUtf8 = NativeFormats.ForUtf8(pattern);
        if (_native is null) _regex = SpecRegex.Compile(pattern);
    }

    public string Type { get; }
    public string? Pattern { get; }

    /// <summary>Null when the node's value is fine, else what is wrong with it; a long value is checked undecoded where it can be.</summary>
    public string? Check(ElementNode node)
    {
        // values kept undecoded are of text types (string, markdown, xhtml, base64Binary), which have no range checks
        // after the pattern: passing it, or having none (xhtml), is all there is
        if (node.SourceValue is { } text)
        {
            if (Pattern is null) return null;
            if (_nativeUtf8 is not null && _nativeUtf8(text.Utf8())) return null;
        }
        return Check(node.Value!);
    }

    /// <summary>Whether a part of a value passes, without a string for it where a native check exists (types without range checks).</summary>
    public bool Accepts(ReadOnlySpan<char> value) => _native is not null ? _native(value) : Check(value.ToString()) is null;

    /// <summary>Null when the value is fine, else what is wrong with it.</summary>
    public string? Check(string value)
    {
        if (_native is not null ? !_native(value) : _regex is not null && !_regex.IsMatch(value))
            return $"'{Shorten(value)}' is not a valid {Type}{Explain()}.";
        switch (Type)
        {
            case "integer":
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                    return $"'{Shorten(value)}' is outside the range of a 32-bit integer ({int.MinValue} to {int.MaxValue}).";
                break;
            case "positiveInt":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p < 1)
                    return $"'{Shorten(value)}' is not a positiveInt (1 to {int.MaxValue}).";
                break;
            case "unsignedInt":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    return $"'{Shorten(value)}' is not an unsignedInt (0 to {int.MaxValue}).";
                break;
            case "date" or "dateTime" or "instant":
                if (!CalendarDate.IsReal(value))
                    return $"'{value}' is not a real calendar date.";
                break;
            case "decimal":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || double.IsInfinity(d))
                    return $"'{Shorten(value)}' is out of the range of a decimal.";
                break;
        }
        return null;
    }

    private string Explain() => Type switch
    {
        "date" => " (expected YYYY, YYYY-MM or YYYY-MM-DD)",
        "dateTime" => " (expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone)",
        "instant" => " (expected YYYY-MM-DDThh:mm:ss(.sss) with a time zone, e.g. 2020-01-31T08:30:00Z)",
        "time" => " (expected hh:mm:ss)",
        "id" => " (1 to 64 letters, digits, '-' or '.')",
        "integer" or "positiveInt" or "unsignedInt" or "decimal" => " number",
        "uuid" => " (expected urn:uuid: and a lower-case UUID)",
        "oid" => " (expected urn:oid: and a dotted OID)",
        "base64Binary" => " (expected base64 text)",
        "string" or "markdown" => " (it must not be empty nor hold control characters other than tab, CR and LF)",
        "code" => " (no leading, trailing or repeated white space)",
        "uri" or "url" or "canonical" => " (no white space allowed)",
        _ => Pattern is null ? "" : $" (must match {Pattern})",
    };

    internal static string Shorten(string value) => value.Length <= 60 ? value : value[..57] + "...";
}

/// <summary>The formats of all primitive types of a definitions instance, built on first use.</summary>
internal sealed class PrimitiveFormats(FhirDefinitions defs)
{
    private readonly ConcurrentDictionary<string, PrimitiveFormat> _formats = new(StringComparer.Ordinal);

    public PrimitiveFormat Get(string type) =>
        _formats.GetOrAdd(type, t => new PrimitiveFormat(t, defs.GetType(t)?.FindByPath(t + ".value")?.Regex));
}

/// <summary>Checks that the date part of a date, dateTime or instant names a day that exists (no 2021-02-30).</summary>
internal static class CalendarDate
{
    public static bool IsReal(string value)
    {
        // the regular expression has already fixed the shape: YYYY[-MM[-DD[T...]]]
        if (value.Length < 10 || value[7] != '-') return true;
        var year = (value[0] - '0') * 1000 + (value[1] - '0') * 100 + (value[2] - '0') * 10 + (value[3] - '0');
        var month = (value[5] - '0') * 10 + (value[6] - '0');
        var day = (value[8] - '0') * 10 + (value[9] - '0');
        if (year < 1 || month is < 1 or > 12) return false;
        return day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }
}
