using System.Text;
using Shifo.Fhir.Serialization;

namespace Shifo.Fhir.Model;

/// <summary>
/// A long text value (narrative, description, base64 data) as the parser found it, kept undecoded until something
/// reads it as a string. When the parser was given the document as an array it owns, the value is a slice of that
/// array, still JSON-escaped where the document escaped it: most of a resource's bytes are never copied, only
/// scanned in place. Otherwise it holds its own unescaped copy. Either way the parser has checked that it is text
/// (valid UTF-8, whole \u escapes), and the bytes never change.
/// </summary>
internal sealed class SourceText
{
    private readonly byte[] _bytes;
    private readonly int _start;
    // the length, with the top bit set when the slice still holds JSON escapes
    private readonly int _lengthAndEscaped;

    private SourceText(byte[] bytes, int start, int length, bool escaped)
    {
        _bytes = bytes;
        _start = start;
        _lengthAndEscaped = escaped ? length | int.MinValue : length;
    }

    /// <summary>A slice of the document between a string's quotes, escaped as written there.</summary>
    public static SourceText Slice(byte[] document, int start, int length, bool escaped) => new(document, start, length, escaped);

    /// <summary>Unescaped UTF-8 the value owns.</summary>
    public static SourceText Own(byte[] unescaped) => new(unescaped, 0, unescaped.Length, escaped: false);

    private int Length => _lengthAndEscaped & int.MaxValue;

    private bool Escaped => _lengthAndEscaped < 0;

    [ThreadStatic] private static byte[]? t_unescaped;
    private const int KeptBufferBytes = 1 << 20;

    /// <summary>
    /// The value as UTF-8 text. An escaped slice is unescaped into a buffer of the calling thread, so the span is
    /// only good until that thread's next call: read it at once, never keep it.
    /// </summary>
    public ReadOnlySpan<byte> Utf8()
    {
        if (!Escaped) return _bytes.AsSpan(_start, Length);
        // one buffer per thread, as long as the escaped value (unescaping never lengthens it); a value over
        // KeptBufferBytes gets its own, so that no thread keeps a buffer that large
        var buffer = t_unescaped is { } b && b.Length >= Length ? b
            : Length > KeptBufferBytes ? new byte[Length]
            : t_unescaped = new byte[Math.Max(Length, 4096)];
        return buffer.AsSpan(0, JsonEscapes.Unescape(_bytes.AsSpan(_start, Length), buffer));
    }

    /// <summary>The value as a string.</summary>
    public string Decode() => Encoding.UTF8.GetString(Utf8());
}
