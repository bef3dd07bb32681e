namespace Shifo.Fhir.Serialization;

/// <summary>
/// The strings of short JSON values read before by one parser (one thread): codes, systems, units, statuses and dates
/// repeat across resources (two thirds of the clinical examples' values are repeats), so a value seen before is
/// given the same string instead of a new one. Direct-mapped: a slot holds the last value whose bytes hashed to it,
/// its bytes kept in one block so that a miss allocates nothing beyond the string itself.
/// </summary>
internal sealed class ValueStringCache
{
    private const int SlotCount = 2048; // a power of two
    private const int MaxBytes = 48;    // longer values (names, text, narrative) rarely repeat

    private readonly byte[] _bytes = new byte[SlotCount * MaxBytes];
    private readonly byte[] _lengths = new byte[SlotCount];
    private readonly string?[] _strings = new string?[SlotCount];

    /// <summary>The string last stored for equal bytes, if it is still in its slot; nothing for a value too long to keep.</summary>
    public string? Find(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length is 0 or > MaxBytes) return null;
        var slot = Slot(utf8);
        return _strings[slot] is { } cached && utf8.SequenceEqual(_bytes.AsSpan(slot * MaxBytes, _lengths[slot])) ? cached : null;
    }

    /// <summary>Keeps the string of these bytes (when short enough), in place of whatever shared its slot.</summary>
    public void Store(ReadOnlySpan<byte> utf8, string text)
    {
        if (utf8.Length is 0 or > MaxBytes) return;
        var slot = Slot(utf8);
        utf8.CopyTo(_bytes.AsSpan(slot * MaxBytes));
        _lengths[slot] = (byte)utf8.Length;
        _strings[slot] = text;
    }

    private static int Slot(ReadOnlySpan<byte> utf8) => Utf8Hash.Of(utf8) & (SlotCount - 1);
}
