namespace Shifo.Synth.Patients;

/// <summary>
/// Hands out the 3-digit PINFL serials so that no two generated people share a PINFL: a counter per district,
/// birth day and sex. Memory is bounded by the number of districts (about 180 KB each, allocated on first use),
/// not by the number of patients, so a streamed population of any size stays unique.
/// </summary>
internal sealed class PinflSerials(DateOnly referenceDate)
{
    private static readonly int FirstDay = new DateOnly(1900, 1, 1).DayNumber;
    private readonly int _days = referenceDate.DayNumber - FirstDay + 1;
    private readonly Dictionary<int, ushort[]> _byDistrict = [];

    /// <summary>The next free serial (1–999), or -1 when that day, district and sex are full.</summary>
    public int Next(int districtCode, DateOnly birthDate, bool male)
    {
        if (!_byDistrict.TryGetValue(districtCode, out var counters))
            _byDistrict[districtCode] = counters = new ushort[_days * 2];
        var i = (birthDate.DayNumber - FirstDay) * 2 + (male ? 0 : 1);
        if (counters[i] >= 999) return -1;
        return ++counters[i];
    }
}
