using System.Text;

namespace Shifo.Fhir.Serialization;

/// <summary>
/// The backslash escapes of a JSON string's UTF-8 bytes, as they stand between its quotes. Utf8JsonReader has
/// already checked their syntax, so these only ever see well-formed escapes; they exist so that a long value can be
/// checked and unescaped without reading the string through a reader again, which validates it all once more.
/// </summary>
internal static class JsonEscapes
{
    /// <summary>Whether every \u escape of a UTF-16 surrogate is half of a whole pair, high then low at once.</summary>
    public static bool SurrogatesPair(ReadOnlySpan<byte> escaped)
    {
        var expectLow = false;
        var at = 0;
        while (at < escaped.Length)
        {
            var next = escaped[at..].IndexOf((byte)'\\');
            if (next < 0) break;
            if (expectLow && next != 0) return false;
            at += next;
            if (escaped[at + 1] != (byte)'u')
            {
                if (expectLow) return false;
                at += 2;
                continue;
            }
            var unit = CodeUnit(escaped.Slice(at + 2, 4));
            at += 6;
            if (char.IsLowSurrogate(unit)) { if (!expectLow) return false; expectLow = false; }
            else if (char.IsHighSurrogate(unit)) { if (expectLow) return false; expectLow = true; }
            else if (expectLow) return false;
        }
        return !expectLow;
    }

    /// <summary>
    /// Writes the unescaped UTF-8 into <paramref name="into"/>, which must be as long as <paramref name="escaped"/>
    /// (an escape is never shorter than what it stands for), and returns its length. Surrogates must pair (see
    /// <see cref="SurrogatesPair"/>).
    /// </summary>
    public static int Unescape(ReadOnlySpan<byte> escaped, Span<byte> into)
    {
        var written = 0;
        while (true)
        {
            var next = escaped.IndexOf((byte)'\\');
            var run = next < 0 ? escaped : escaped[..next];
            run.CopyTo(into[written..]);
            written += run.Length;
            if (next < 0) return written;
            escaped = escaped[next..];
            if (escaped[1] != (byte)'u')
            {
                into[written++] = Simple(escaped[1]);
                escaped = escaped[2..];
                continue;
            }
            var unit = CodeUnit(escaped.Slice(2, 4));
            var scalar = (int)unit;
            var consumed = 6;
            if (char.IsHighSurrogate(unit))
            {
                scalar = char.ConvertToUtf32(unit, CodeUnit(escaped.Slice(8, 4)));
                consumed = 12;
            }
            written += new Rune(scalar).EncodeToUtf8(into[written..]);
            escaped = escaped[consumed..];
        }
    }

    private static byte Simple(byte letter) => letter switch
    {
        (byte)'b' => (byte)'\b',
        (byte)'f' => (byte)'\f',
        (byte)'n' => (byte)'\n',
        (byte)'r' => (byte)'\r',
        (byte)'t' => (byte)'\t',
        _ => letter, // \" \\ \/
    };

    private static char CodeUnit(ReadOnlySpan<byte> fourHex)
    {
        var unit = 0;
        foreach (var digit in fourHex) unit = unit << 4 | (digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
        return (char)unit;
    }
}
