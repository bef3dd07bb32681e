using System.Globalization;

namespace Shifo.Storage.Indexing;

/// <summary>
/// The range of instants a FHIR date, dateTime or instant stands for: "2019" is the whole year, "2019-05-31T10:00"
/// that minute. Bounds are Unix milliseconds, both inclusive; a value without a time zone is read as UTC.
/// Used for stored values and for search values, so that prefixes compare ranges as the spec says.
/// </summary>
public readonly record struct FhirDateRange(long Low, long High)
{
    public const long MinValue = long.MinValue;
    public const long MaxValue = long.MaxValue;

    public static FhirDateRange Unbounded => new(MinValue, MaxValue);

    public static FhirDateRange Point(DateTimeOffset instant)
    {
        var ms = instant.ToUnixTimeMilliseconds();
        return new(ms, ms);
    }

    public static bool TryParse(string? text, out FhirDateRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        try
        {
            if (s.Length == 4 && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var y))
            {
                var start = new DateTimeOffset(y, 1, 1, 0, 0, 0, TimeSpan.Zero);
                range = Span(start, start.AddYears(1));
                return true;
            }
            if (s.Length == 7 && DateTime.TryParseExact(s, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var ym))
            {
                var start = new DateTimeOffset(ym.Year, ym.Month, 1, 0, 0, 0, TimeSpan.Zero);
                range = Span(start, start.AddMonths(1));
                return true;
            }
            if (s.Length == 10 && DateTime.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var ymd))
            {
                var start = new DateTimeOffset(ymd.Year, ymd.Month, ymd.Day, 0, 0, 0, TimeSpan.Zero);
                range = Span(start, start.AddDays(1));
                return true;
            }
            var t = s.IndexOf('T');
            if (t != 10) return false;
            // the precision is what was written: minutes, seconds or a fraction of a second
            var time = s[(t + 1)..];
            var zoneAt = time.IndexOfAny(['Z', '+', '-']);
            var clock = zoneAt < 0 ? time : time[..zoneAt];
            var zone = zoneAt < 0 ? "Z" : time[zoneAt..];
            TimeSpan unit;
            if (clock.Length == 5) unit = TimeSpan.FromMinutes(1);
            else if (clock.Length == 8) unit = TimeSpan.FromSeconds(1);
            else if (clock.Length > 9 && clock[8] == '.')
            {
                var digits = Math.Min(clock.Length - 9, 3);
                unit = TimeSpan.FromMilliseconds(Math.Pow(10, 3 - digits));
                clock = clock[..(9 + digits)] + new string('0', 3 - digits);
                clock = clock[..12];
            }
            else return false;
            var normalized = s[..10] + "T" + (clock.Length == 5 ? clock + ":00" : clock) + (zone == "Z" ? "+00:00" : zone);
            var format = normalized.Length > 25 ? "yyyy-MM-dd'T'HH:mm:ss.fffzzz" : "yyyy-MM-dd'T'HH:mm:sszzz";
            if (!DateTimeOffset.TryParseExact(normalized, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
                return false;
            range = Span(at, at + unit);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static FhirDateRange Span(DateTimeOffset start, DateTimeOffset endExclusive) =>
        new(start.ToUnixTimeMilliseconds(), endExclusive.ToUnixTimeMilliseconds() - 1);
}
