using System.Buffers;

namespace Shifo.Fhir.Validation;

/// <summary>
/// Hand-written equivalents of the most frequent value patterns of the R4 definitions (string, code, uri, id,
/// boolean), used only when a definition's pattern is exactly the one written here, so the definitions stay the
/// source of the rule. Nearly every primitive of a resource is one of these; a loop over the characters costs a
/// fraction of a regular-expression match. Java's \s is [\t\n\x0B\f\r ] (see <see cref="SpecRegex"/>). Long text
/// values the parser keeps as UTF-8 have their own checks (string, markdown, uri, base64Binary), held to the same patterns.
/// </summary>
internal static class NativeFormats
{
    private static readonly SearchValues<char> JavaSpace = SearchValues.Create("\t\n\v\f\r ");

    /// <summary>A check on text, taking spans so that parts of a value (the id of a reference) need no string of their own.</summary>
    public delegate bool CharCheck(ReadOnlySpan<char> value);

    /// <summary>A check equal to the whole-value match of <paramref name="pattern"/>, or null when none is written for it.</summary>
    public static CharCheck? For(string pattern) => pattern switch
    {
        // string, markdown: any character but \x0B and \f, at least one
        @"[ \r\n\t\S]+" => static v => v.Length > 0 && v.IndexOfAny('\v', '\f') < 0,
        // uri, url, canonical: no white space
        @"\S*" => static v => !v.ContainsAny(JavaSpace),
        // code: words separated by single white-space characters
        @"[^\s]+(\s[^\s]+)*" => IsCode,
        // id
        @"[A-Za-z0-9\-\.]{1,64}" => static v => v.Length is >= 1 and <= 64 && !v.ContainsAnyExcept(IdChars),
        "true|false" => static v => v is "true" or "false",
        _ => null,
    };

    /// <summary>A check on UTF-8 text, equal to the one on strings that <see cref="For"/> gives for the same pattern.</summary>
    public delegate bool Utf8Check(ReadOnlySpan<byte> utf8);

    /// <summary>
    /// The same checks on UTF-8, for the long values the parser keeps undecoded, or null when none is written. The
    /// characters they look for are all ASCII, and a byte below 128 in UTF-8 is always that ASCII character.
    /// </summary>
    public static Utf8Check? ForUtf8(string pattern) => pattern switch
    {
        @"[ \r\n\t\S]+" => static v => v.Length > 0 && v.IndexOfAny((byte)'\v', (byte)'\f') < 0,
        @"\S*" => static v => !v.ContainsAny(JavaSpaceBytes),
        Base64Pattern => IsBase64,
        _ => null,
    };

    private static readonly SearchValues<byte> JavaSpaceBytes = SearchValues.Create("\t\n\v\f\r "u8);

    // base64Binary: groups of four base64 characters, with white space allowed between groups only
    private const string Base64Pattern = @"(\s*([0-9a-zA-Z\+/=]){4}\s*)+";

    private static readonly SearchValues<byte> Base64Bytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);

    // every run of base64 characters is a whole number of groups, whatever separates runs is white space, and
    // there is at least one group
    private static bool IsBase64(ReadOnlySpan<byte> v)
    {
        var groups = false;
        while (!v.IsEmpty)
        {
            var run = v.IndexOfAnyExcept(Base64Bytes);
            if (run < 0) run = v.Length;
            if (run % 4 != 0) return false;
            groups |= run > 0;
            v = v[run..];
            var space = v.IndexOfAnyExcept(JavaSpaceBytes);
            if (space == 0) return false; // neither a base64 character nor white space
            v = space < 0 ? [] : v[space..];
        }
        return groups;
    }

    private static readonly SearchValues<char> IdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.");

    private static bool IsCode(ReadOnlySpan<char> span)
    {
        if (span.Length == 0 || JavaSpace.Contains(span[0]) || JavaSpace.Contains(span[^1])) return false;
        for (var i = span.IndexOfAny(JavaSpace); i >= 0; )
        {
            // one white-space character, then a non-space one (the last character is not a space)
            if (JavaSpace.Contains(span[i + 1])) return false;
            var next = span[(i + 1)..].IndexOfAny(JavaSpace);
            i = next < 0 ? -1 : i + 1 + next;
        }
        return true;
    }
}
