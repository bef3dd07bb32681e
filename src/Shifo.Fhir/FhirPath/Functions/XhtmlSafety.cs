using System.Buffers;
using System.Numerics;
using System.Text.RegularExpressions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>
/// htmlChecks(): the FHIR narrative rules in short: an xhtml div with no active content, no event handlers, no
/// scripts. The rule is the regular expression below; every resource's narrative goes through it twice per
/// validation (txt-1, txt-2), so a scanner answers the same question first: it jumps between the only
/// characters a match must contain ('&lt;', '=', ':') and looks around them. Where the answer would depend on
/// a non-ASCII character (Unicode white space, letters, case folding) it defers to the regular expression.
/// The scanner reads UTF-16 or UTF-8 alike: each of its characters is ASCII, and in UTF-8 a byte below 128 is
/// always that ASCII character, so a narrative the parser kept as UTF-8 is checked without decoding it.
/// </summary>
internal static partial class XhtmlSafety
{
    [GeneratedRegex(@"<\s*(script|object|applet|embed|form|iframe|frame|frameset|link|meta|style|base|input|button)\b|\son\w+\s*=|javascript:", RegexOptions.IgnoreCase)]
    private static partial Regex UnsafeHtml();

    private static readonly string[] UnsafeTags =
        ["script", "object", "applet", "embed", "form", "iframe", "frame", "frameset", "link", "meta", "style", "base", "input", "button"];

    private static readonly SearchValues<char> UnsafeTagInitials = SearchValues.Create("soaeflimb");

    public static bool IsSafe(string html)
    {
        if (!html.AsSpan().TrimStart().StartsWith("<div", StringComparison.Ordinal)) return false;
        return ScanForUnsafe(html.AsSpan()) switch
        {
            Found.No => true,
            Found.Yes => false,
            _ => !UnsafeHtml().IsMatch(html),
        };
    }

    /// <summary>The rule on a node's xhtml value, read as UTF-8 where the parser kept it so.</summary>
    public static bool IsSafe(ElementNode node)
    {
        if (node.SourceValue is not { } text) return node.Value is { } html && IsSafe(html);
        var bytes = text.Utf8();
        // string.TrimStart's white space: the ASCII ones here; a non-ASCII one (U+00A0) is left to the string
        var start = bytes.IndexOfAnyExcept(AsciiSpaceBytes);
        if (start >= 0 && bytes[start] >= 128) return IsSafe(node.Value!);
        if (start < 0 || !bytes[start..].StartsWith("<div"u8)) return false;
        return ScanForUnsafe(bytes) switch
        {
            Found.No => true,
            Found.Yes => false,
            _ => IsSafe(node.Value!),
        };
    }

    private static readonly SearchValues<byte> AsciiSpaceBytes = SearchValues.Create("\t\n\v\f\r "u8);

    /// <summary>The rule by its regular expression alone (tests hold the scanner to it).</summary>
    internal static bool IsUnsafeByRegex(string html) => UnsafeHtml().IsMatch(html);

    internal enum Found { No, Yes, Unsure }

    /// <summary>Whether <see cref="UnsafeHtml"/> matches somewhere, decided on ASCII alone, or Unsure.</summary>
    internal static Found ScanForUnsafe<T>(ReadOnlySpan<T> text) where T : unmanaged, IBinaryInteger<T>
    {
        T lt = T.CreateTruncating('<'), eq = T.CreateTruncating('='), colon = T.CreateTruncating(':');
        var unsure = false;
        var at = 0;
        while (true)
        {
            var next = text[at..].IndexOfAny(lt, eq, colon);
            if (next < 0) break;
            var i = at + next;
            var found = At(text, i) switch
            {
                '<' => TagAt(text, i),
                '=' => HandlerBefore(text, i),
                _ => JavascriptBefore(text, i),
            };
            if (found == Found.Yes) return Found.Yes;
            unsure |= found == Found.Unsure;
            at = i + 1;
        }
        return unsure ? Found.Unsure : Found.No;
    }

    private static int At<T>(ReadOnlySpan<T> text, int i) where T : unmanaged, IBinaryInteger<T> => int.CreateTruncating(text[i]);

    // <\s*(script|...)\b
    private static Found TagAt<T>(ReadOnlySpan<T> text, int lt) where T : unmanaged, IBinaryInteger<T>
    {
        var j = lt + 1;
        while (j < text.Length && IsAsciiSpace(At(text, j))) j++;
        if (j < text.Length && At(text, j) >= 128) return Found.Unsure;
        // most tags (div, p, table, span, /...) start with a letter no unsafe tag starts with: no need to try them all
        if (j == text.Length || !UnsafeTagInitials.Contains((char)(At(text, j) | 0x20))) return Found.No;
        var result = Found.No;
        foreach (var tag in UnsafeTags)
        {
            var m = MatchIgnoreCase(text, j, tag);
            if (m != Found.Yes) { if (m == Found.Unsure) result = Found.Unsure; continue; }
            var end = j + tag.Length;
            if (end == text.Length) return Found.Yes;
            var c = At(text, end);
            if (c >= 128) result = Found.Unsure;
            else if (!IsAsciiWord(c)) return Found.Yes;
        }
        return result;
    }

    // \son\w+\s*=  read backwards from the '=': white space, a run of word characters starting with "on" and
    // longer than it, and white space before that run (the only place a \s can sit next to it)
    private static Found HandlerBefore<T>(ReadOnlySpan<T> text, int eq) where T : unmanaged, IBinaryInteger<T>
    {
        var k = eq - 1;
        while (k >= 0 && IsAsciiSpace(At(text, k))) k--;
        if (k < 0) return Found.No;
        var end = k;
        while (k >= 0 && At(text, k) < 128 && IsAsciiWord(At(text, k))) k--;
        if (k >= 0 && At(text, k) >= 128) return Found.Unsure;
        var start = k + 1;
        if (end - start + 1 < 3 || start == 0) return Found.No;
        if ((At(text, start) | 0x20) != 'o' || (At(text, start + 1) | 0x20) != 'n') return Found.No;
        return IsAsciiSpace(At(text, start - 1)) ? Found.Yes : Found.No;
    }

    // javascript:  compared backwards from the ':', so that UTF-16 and UTF-8 agree up to the first non-ASCII character
    private static Found JavascriptBefore<T>(ReadOnlySpan<T> text, int colon) where T : unmanaged, IBinaryInteger<T>
    {
        const string word = "javascript";
        for (var k = 1; k <= word.Length; k++)
        {
            if (colon - k < 0) return Found.No;
            var c = At(text, colon - k);
            if (c >= 128) return Found.Unsure;
            if ((c | 0x20) != word[^k]) return Found.No;
        }
        return Found.Yes;
    }

    /// <summary>
    /// ASCII case-insensitive comparison; Unsure at the first non-ASCII character before a mismatch (U+017F folds to
    /// 's', U+212A to 'k'). It stops there, since in UTF-8 the positions after such a character no longer line up.
    /// </summary>
    private static Found MatchIgnoreCase<T>(ReadOnlySpan<T> text, int at, string lowerAscii) where T : unmanaged, IBinaryInteger<T>
    {
        for (var k = 0; k < lowerAscii.Length; k++)
        {
            // the end of the text is checked as it is reached, for the same reason
            if (at + k >= text.Length) return Found.No;
            var c = At(text, at + k);
            if (c >= 128) return Found.Unsure;
            if ((c | 0x20) != lowerAscii[k]) return Found.No;
        }
        return Found.Yes;
    }

    // the ASCII members of .NET's \s and \w
    private static bool IsAsciiSpace(int c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
    private static bool IsAsciiWord(int c) => c < 128 && (char.IsAsciiLetterOrDigit((char)c) || c == '_');
}
