namespace Shifo.Synth;

/// <summary>
/// The PINFL (personal identification number of an individual) as commonly described: 14 digits —
/// [0] sex and century of birth (3/4 = man/woman born 1900–1999, 5/6 = 2000–2099, 1/2 = 1800–1899),
/// [1..6] birth date DDMMYY, [7..9] district code, [10..12] serial, [13] check digit: the first 13 digits
/// weighted 7, 3, 1, 7, 3, 1, … (ICAO 9303), summed, modulo 10.
/// This is the one place that knows the rule: correct it here if the official one differs.
/// </summary>
public static class Pinfl
{
    private static readonly int[] Weights = [7, 3, 1];

    public static string Generate(bool male, DateOnly birthDate, int districtCode, int serial)
    {
        if (districtCode is < 0 or > 999) throw new ArgumentOutOfRangeException(nameof(districtCode));
        if (serial is < 0 or > 999) throw new ArgumentOutOfRangeException(nameof(serial));
        var centuryDigit = (birthDate.Year / 100) switch
        {
            18 => 1,
            19 => 3,
            20 => 5,
            _ => throw new ArgumentOutOfRangeException(nameof(birthDate), "A PINFL encodes births from 1800 to 2099."),
        } + (male ? 0 : 1);
        Span<char> d = stackalloc char[14];
        d[0] = (char)('0' + centuryDigit);
        Two(d[1..], birthDate.Day);
        Two(d[3..], birthDate.Month);
        Two(d[5..], birthDate.Year % 100);
        Three(d[7..], districtCode);
        Three(d[10..], serial);
        d[13] = (char)('0' + CheckDigit(d[..13]));
        return new string(d);
    }

    /// <summary>True for 14 digits whose first digit, date and check digit are consistent.</summary>
    public static bool IsValid(string? pinfl)
    {
        if (pinfl is null || pinfl.Length != 14) return false;
        foreach (var c in pinfl) if (c is < '0' or > '9') return false;
        var first = pinfl[0] - '0';
        if (first is < 1 or > 6) return false;
        var year = (first + 1) / 2 * 100 + 1700 + (pinfl[5] - '0') * 10 + (pinfl[6] - '0');
        var month = (pinfl[3] - '0') * 10 + (pinfl[4] - '0');
        var day = (pinfl[1] - '0') * 10 + (pinfl[2] - '0');
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        return CheckDigit(pinfl.AsSpan(0, 13)) == pinfl[13] - '0';
    }

    /// <summary>Birth date and sex read back from a valid PINFL.</summary>
    public static (bool Male, DateOnly BirthDate) Decode(string pinfl)
    {
        if (!IsValid(pinfl)) throw new FormatException($"'{pinfl}' is not a valid PINFL.");
        var first = pinfl[0] - '0';
        var year = (first + 1) / 2 * 100 + 1700 + int.Parse(pinfl.AsSpan(5, 2));
        return (first % 2 == 1, new DateOnly(year, int.Parse(pinfl.AsSpan(3, 2)), int.Parse(pinfl.AsSpan(1, 2))));
    }

    public static int CheckDigit(ReadOnlySpan<char> first13)
    {
        var sum = 0;
        for (var i = 0; i < first13.Length; i++) sum += (first13[i] - '0') * Weights[i % 3];
        return sum % 10;
    }

    private static void Two(Span<char> d, int v) { d[0] = (char)('0' + v / 10); d[1] = (char)('0' + v % 10); }
    private static void Three(Span<char> d, int v) { d[0] = (char)('0' + v / 100); Two(d[1..], v % 100); }
}
