using System.Buffers.Binary;
using System.Numerics;

namespace Shifo.Fhir.Serialization;

/// <summary>
/// A quick hash of a short UTF-8 name or value, eight bytes at a step: property names and values are hashed once per
/// JSON token, where a byte-by-byte hash was a visible part of the parse. Not for untrusted-key tables that must
/// resist collisions: its users probe a few slots or simply miss.
/// </summary>
internal static class Utf8Hash
{
    private const ulong Multiplier = 0x9E3779B97F4A7C15;

    public static int Of(ReadOnlySpan<byte> utf8)
    {
        var h = (ulong)utf8.Length * Multiplier;
        while (utf8.Length >= 8)
        {
            h = BitOperations.RotateLeft((h ^ BinaryPrimitives.ReadUInt64LittleEndian(utf8)) * Multiplier, 31);
            utf8 = utf8[8..];
        }
        ulong tail = 0;
        foreach (var b in utf8) tail = (tail << 8) | b;
        h = (h ^ tail) * Multiplier;
        return (int)(h ^ (h >> 29) ^ (h >> 47));
    }
}
