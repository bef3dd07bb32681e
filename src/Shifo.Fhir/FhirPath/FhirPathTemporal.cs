using System.Globalization;
using System.Text;

namespace Shifo.Fhir.FhirPath;

/// <summary>How much of a date, date-time or time was given. Seconds and milliseconds compare as one precision.</summary>
public enum TemporalPrecision : byte { Year, Month, Day, Hour, Minute, Second, Millisecond }

/// <summary>
/// A FHIRPath Date, DateTime or Time with partial precision: the components not given are unknown, which is why
/// comparisons may be undetermined (<c>@2012 = @2012-01</c> is empty). The offset is kept as written.
/// </summary>
public abstract class FhirPathTemporal
{
    private protected FhirPathTemporal(int year, int month, int day, int hour, int minute, int second, int millisecond,
        TemporalPrecision precision, TimeSpan? offset)
    {
        Year = year; Month = month; Day = day; Hour = hour; Minute = minute; Second = second; Millisecond = millisecond;
        Precision = precision; Offset = offset;
    }

    public int Year { get; }
    public int Month { get; }
    public int Day { get; }
    public int Hour { get; }
    public int Minute { get; }
    public int Second { get; }
    public int Millisecond { get; }
    public TemporalPrecision Precision { get; }
    /// <summary>The timezone offset, null when none was given.</summary>
    public TimeSpan? Offset { get; }

    /// <summary>True for Time values (no date part).</summary>
    public bool IsTime => this is FhirPathTime;

    private protected abstract FhirPathTemporal Create(int y, int mo, int d, int h, int mi, int s, int ms, TemporalPrecision p, TimeSpan? off);

    /// <summary>-1, 0 or 1; null when the values differ only in precision or only one has an offset, so no answer is possible.</summary>
    public static int? Compare(FhirPathTemporal a, FhirPathTemporal b)
    {
        if (a.IsTime != b.IsTime) throw new FhirPathEvaluationException($"Cannot compare {a.TypeName} with {b.TypeName}.");
        if (a.Precision >= TemporalPrecision.Hour && b.Precision >= TemporalPrecision.Hour && !a.IsTime)
        {
            if (a.Offset.HasValue != b.Offset.HasValue) return null;
            if (a.Offset.HasValue && a.Offset != b.Offset) { a = a.ToUtc(); b = b.ToUtc(); }
        }
        var pa = Collapse(a.Precision);
        var pb = Collapse(b.Precision);
        var common = pa < pb ? pa : pb;
        var start = a.IsTime ? TemporalPrecision.Hour : TemporalPrecision.Year;
        for (var p = start; p <= common; p++)
        {
            var c = a.Component(p).CompareTo(b.Component(p));
            if (c != 0) return c;
        }
        return pa == pb ? 0 : null;
    }

    /// <summary>Equivalence: same precision and same value; different precisions are simply not equivalent.</summary>
    public static bool Equivalent(FhirPathTemporal a, FhirPathTemporal b)
    {
        if (a.IsTime != b.IsTime) return false;
        if (Collapse(a.Precision) != Collapse(b.Precision)) return false;
        return Compare(a, b) == 0;
    }

    private static TemporalPrecision Collapse(TemporalPrecision p) => p == TemporalPrecision.Millisecond ? TemporalPrecision.Second : p;

    private int Component(TemporalPrecision p) => p switch
    {
        TemporalPrecision.Year => Year,
        TemporalPrecision.Month => Month,
        TemporalPrecision.Day => Day,
        TemporalPrecision.Hour => Hour,
        TemporalPrecision.Minute => Minute,
        _ => Second * 1000 + Millisecond,
    };

    private FhirPathTemporal ToUtc()
    {
        if (Offset is not { } off || off == TimeSpan.Zero) return this;
        var dt = ToDateTime() - off;
        return Create(dt.Year, dt.Month, dt.Day, dt.Hour, dt.Minute, dt.Second, dt.Millisecond, Precision, TimeSpan.Zero);
    }

    /// <summary>The value as a .NET DateTime, unknown components at their minimum (Time uses 0001-01-01).</summary>
    public DateTime ToDateTime() => new(Math.Max(Year, 1), Math.Max(Month, 1), Math.Max(Day, 1), Hour, Minute, Second, Millisecond);

    public string TypeName => this switch { FhirPathDate => "Date", FhirPathTime => "Time", _ => "DateTime" };

    /// <summary>Adds a calendar duration; <paramref name="unit"/> is a calendar keyword or its UCUM equivalent.</summary>
    public FhirPathTemporal Add(decimal amount, string unit)
    {
        var whole = (int)decimal.Truncate(amount);
        var dt = ToDateTime();
        switch (unit)
        {
            case "year" or "years":
                dt = dt.AddYears(whole); break;
            case "month" or "months":
                dt = dt.AddMonths(whole); break;
            case "week" or "weeks" or "wk":
                dt = dt.AddDays(7 * whole); break;
            case "day" or "days" or "d":
                dt = dt.AddDays(whole); break;
            case "hour" or "hours" or "h":
                dt = dt.AddHours(whole); break;
            case "minute" or "minutes" or "min":
                dt = dt.AddMinutes(whole); break;
            case "second" or "seconds" or "s":
                dt = dt.AddSeconds(whole); break;
            case "millisecond" or "milliseconds" or "ms":
                dt = dt.AddMilliseconds(whole); break;
            default:
                throw new FhirPathEvaluationException($"Cannot add a quantity in '{unit}' to a {TypeName}: a calendar duration is required.");
        }
        if (IsTime) return Create(0, 0, 0, dt.Hour, dt.Minute, dt.Second, dt.Millisecond, Precision, Offset);
        return Create(dt.Year, dt.Month, dt.Day, dt.Hour, dt.Minute, dt.Second, dt.Millisecond, Precision, Offset);
    }

    /// <summary>The number of digits of precision as the precision() function counts them.</summary>
    public int PrecisionDigits => IsTime
        ? Precision switch { TemporalPrecision.Hour => 2, TemporalPrecision.Minute => 4, TemporalPrecision.Second => 6, _ => 9 }
        : Precision switch
        {
            TemporalPrecision.Year => 4, TemporalPrecision.Month => 6, TemporalPrecision.Day => 8, TemporalPrecision.Hour => 10,
            TemporalPrecision.Minute => 12, TemporalPrecision.Second => 14, _ => 17,
        };

    /// <summary>The earliest (low) or latest (high) value this partial value may stand for, at the given digit precision.</summary>
    public FhirPathTemporal? Boundary(bool high, int? digits)
    {
        TemporalPrecision target;
        if (IsTime)
            target = (digits ?? 9) switch { 2 => TemporalPrecision.Hour, 4 => TemporalPrecision.Minute, 6 => TemporalPrecision.Second, 9 => TemporalPrecision.Millisecond, _ => (TemporalPrecision)255 };
        else
            target = (digits ?? (this is FhirPathDate ? 8 : 17)) switch
            {
                4 => TemporalPrecision.Year, 6 => TemporalPrecision.Month, 8 => TemporalPrecision.Day, 10 => TemporalPrecision.Hour,
                12 => TemporalPrecision.Minute, 14 => TemporalPrecision.Second, 17 => TemporalPrecision.Millisecond, _ => (TemporalPrecision)255,
            };
        if ((int)target == 255) return null;
        int y = Year, mo = Month, d = Day, h = Hour, mi = Minute, s = Second, ms = Millisecond;
        var p = Precision;
        if (!IsTime && p < TemporalPrecision.Month) mo = high ? 12 : 1;
        if (!IsTime && p < TemporalPrecision.Day) d = high ? DateTime.DaysInMonth(y, mo) : 1;
        if (p < TemporalPrecision.Hour) h = high ? 23 : 0;
        if (p < TemporalPrecision.Minute) mi = high ? 59 : 0;
        if (p < TemporalPrecision.Second) s = high ? 59 : 0;
        if (p < TemporalPrecision.Millisecond) ms = high ? 999 : 0;
        var off = Offset;
        if (!IsTime && target > TemporalPrecision.Day && off is null) off = high ? TimeSpan.FromHours(-12) : TimeSpan.FromHours(14);
        if (this is FhirPathDate && target > TemporalPrecision.Day)
            return new FhirPathDateTime(y, mo, d, h, mi, s, ms, target, off);
        if (this is FhirPathDateTime && target <= TemporalPrecision.Day)
            return new FhirPathDate(y, mo, d, target);
        return Create(y, mo, d, h, mi, s, ms, target, target > TemporalPrecision.Day ? off : null);
    }

    public override bool Equals(object? obj) => obj is FhirPathTemporal t && t.GetType() == GetType() && Compare(this, t) == 0;
    public override int GetHashCode() => HashCode.Combine(Year, Month, Day, Hour, Minute);

    /// <summary>The FHIR text form, e.g. "2012-04-15", "2012-04-15T10:00:00.000+02:00", "10:30".</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (!IsTime)
        {
            sb.Append(Year.ToString("D4", CultureInfo.InvariantCulture));
            if (Precision >= TemporalPrecision.Month) sb.Append('-').Append(Month.ToString("D2", CultureInfo.InvariantCulture));
            if (Precision >= TemporalPrecision.Day) sb.Append('-').Append(Day.ToString("D2", CultureInfo.InvariantCulture));
            if (this is FhirPathDate) return sb.ToString();
            if (Precision < TemporalPrecision.Hour) return sb.Append('T').ToString();
            sb.Append('T');
        }
        AppendTime(sb);
        if (!IsTime && Offset is { } off)
        {
            if (off == TimeSpan.Zero) sb.Append('Z');
            else sb.Append(off < TimeSpan.Zero ? '-' : '+').Append(off.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private void AppendTime(StringBuilder sb)
    {
        sb.Append(Hour.ToString("D2", CultureInfo.InvariantCulture));
        if (Precision >= TemporalPrecision.Minute) sb.Append(':').Append(Minute.ToString("D2", CultureInfo.InvariantCulture));
        if (Precision >= TemporalPrecision.Second) sb.Append(':').Append(Second.ToString("D2", CultureInfo.InvariantCulture));
        if (Precision >= TemporalPrecision.Millisecond) sb.Append('.').Append(Millisecond.ToString("D3", CultureInfo.InvariantCulture));
    }

    // ---------------- parsing ----------------

    /// <summary>Parses the FHIR/FHIRPath text of a date, date-time or time (without '@'); null when malformed.</summary>
    public static FhirPathTemporal? Parse(string text, bool isTime = false)
    {
        var i = 0;
        int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
        TimeSpan? off = null;
        TemporalPrecision p;
        if (isTime)
        {
            if (!ParseTime(text, ref i, ref h, ref mi, ref s, ref ms, out p)) return null;
            return i == text.Length ? new FhirPathTime(h, mi, s, ms, p) : null;
        }
        if (!Digits(text, ref i, 4, out y)) return null;
        p = TemporalPrecision.Year;
        if (i < text.Length && text[i] == '-')
        {
            i++;
            if (!Digits(text, ref i, 2, out mo) || mo is < 1 or > 12) return null;
            p = TemporalPrecision.Month;
            if (i < text.Length && text[i] == '-')
            {
                i++;
                if (!Digits(text, ref i, 2, out d) || d < 1 || d > DateTime.DaysInMonth(y, mo)) return null;
                p = TemporalPrecision.Day;
            }
        }
        if (i == text.Length) return new FhirPathDate(y, mo, d, p);
        if (text[i] != 'T') return null;
        i++;
        if (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            if (p != TemporalPrecision.Day) return null;
            if (!ParseTime(text, ref i, ref h, ref mi, ref s, ref ms, out p)) return null;
            // a bare hour is not a FHIR time: it stands for that hour's first minute
            if (p == TemporalPrecision.Hour) p = TemporalPrecision.Minute;
            if (i < text.Length)
            {
                if (text[i] == 'Z') { off = TimeSpan.Zero; i++; }
                else if (text[i] is '+' or '-')
                {
                    var sign = text[i] == '-' ? -1 : 1;
                    i++;
                    if (!Digits(text, ref i, 2, out var oh) || i >= text.Length || text[i] != ':') return null;
                    i++;
                    if (!Digits(text, ref i, 2, out var om)) return null;
                    off = TimeSpan.FromMinutes(sign * (oh * 60 + om));
                }
            }
        }
        if (i != text.Length) return null;
        return new FhirPathDateTime(y, mo, d, h, mi, s, ms, p, off);
    }

    private static bool ParseTime(string text, ref int i, ref int h, ref int mi, ref int s, ref int ms, out TemporalPrecision p)
    {
        p = TemporalPrecision.Hour;
        if (!Digits(text, ref i, 2, out h) || h > 23) return false;
        if (i < text.Length && text[i] == ':')
        {
            i++;
            if (!Digits(text, ref i, 2, out mi) || mi > 59) return false;
            p = TemporalPrecision.Minute;
            if (i < text.Length && text[i] == ':')
            {
                i++;
                if (!Digits(text, ref i, 2, out s) || s > 60) return false;
                p = TemporalPrecision.Second;
                if (i < text.Length && text[i] == '.')
                {
                    i++;
                    var start = i;
                    while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                    if (i == start) return false;
                    var frac = (text[start..i] + "00").Substring(0, 3);
                    ms = int.Parse(frac, CultureInfo.InvariantCulture);
                    p = TemporalPrecision.Millisecond;
                }
            }
        }
        return true;
    }

    private static bool Digits(string text, ref int i, int count, out int value)
    {
        value = 0;
        if (i + count > text.Length) return false;
        for (var k = 0; k < count; k++)
        {
            var c = text[i + k];
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        i += count;
        return true;
    }
}

/// <summary>A FHIRPath Date (year, month or day precision).</summary>
public sealed class FhirPathDate : FhirPathTemporal
{
    public FhirPathDate(int year, int month, int day, TemporalPrecision precision)
        : base(year, month, day, 0, 0, 0, 0, precision, null) { }

    private protected override FhirPathTemporal Create(int y, int mo, int d, int h, int mi, int s, int ms, TemporalPrecision p, TimeSpan? off) =>
        new FhirPathDate(y, mo, d, p);

    /// <summary>This date as a DateTime of the same precision (used when a Date meets a DateTime).</summary>
    public FhirPathDateTime ToDateTimeValue() => new(Year, Month, Day, 0, 0, 0, 0, Precision, null);
}

/// <summary>A FHIRPath DateTime, from year to millisecond precision, with an optional offset.</summary>
public sealed class FhirPathDateTime : FhirPathTemporal
{
    public FhirPathDateTime(int year, int month, int day, int hour, int minute, int second, int millisecond,
        TemporalPrecision precision, TimeSpan? offset)
        : base(year, month, day, hour, minute, second, millisecond, precision, offset) { }

    private protected override FhirPathTemporal Create(int y, int mo, int d, int h, int mi, int s, int ms, TemporalPrecision p, TimeSpan? off) =>
        new FhirPathDateTime(y, mo, d, h, mi, s, ms, p, off);

    public static FhirPathDateTime Now()
    {
        var now = DateTimeOffset.Now;
        return new(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, now.Millisecond, TemporalPrecision.Millisecond, now.Offset);
    }
}

/// <summary>A FHIRPath Time of day, hour to millisecond precision.</summary>
public sealed class FhirPathTime : FhirPathTemporal
{
    public FhirPathTime(int hour, int minute, int second, int millisecond, TemporalPrecision precision)
        : base(0, 0, 0, hour, minute, second, millisecond, precision, null) { }

    private protected override FhirPathTemporal Create(int y, int mo, int d, int h, int mi, int s, int ms, TemporalPrecision p, TimeSpan? off) =>
        new FhirPathTime(h, mi, s, ms, p);
}
