using System.Buffers;
using System.Text.RegularExpressions;

namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>
/// htmlChecks(): the FHIR narrative rules in short: an xhtml div with no active content, no event handlers, no
/// scripts. The rule is the regular expression below; every resource's narrative goes through it twice per
/// validation (txt-1, txt-2), so a scanner answers the same question first: it jumps between the only
/// characters a match must contain ('&lt;', '=', ':') and looks around them. Where the answer would depend on
/// a non-ASCII character (Unicode white space, letters, case folding) it defers to the regular expression.
/// </summary>
internal static partial class XhtmlSafety
{
    [GeneratedRegex(@"<\s*(script|object|applet|embed|form|iframe|frame|frameset|link|meta|style|base|input|button)\b|\son\w+\s*=|javascript:", RegexOptions.IgnoreCase)]
    private static partial Regex UnsafeHtml();

    private static readonly string[] UnsafeTags =
        ["script", "object", "applet", "embed", "form", "iframe", "frame", "frameset", "link", "meta", "style", "base", "input", "button"];

    private static readonly SearchValues<char> UnsafeTagInitials = SearchValues.Create("soaeflimb");

    private static readonly SearchValues<char> Anchors = SearchValues.Create("<=:");

    public static bool IsSafe(string html)
    {
        var trimmed = html.TrimStart();
        if (!trimmed.StartsWith("<div", StringComparison.Ordinal)) return false;
        return ScanForUnsafe(html) switch
        {
            Found.No => true,
            Found.Yes => false,
            _ => !UnsafeHtml().IsMatch(html),
        };
    }

    /// <summary>The rule by its regular expression alone (tests hold the scanner to it).</summary>
    internal static bool IsUnsafeByRegex(string html) => UnsafeHtml().IsMatch(html);

    internal enum Found { No, Yes, Unsure }

    /// <summary>Whether <see cref="UnsafeHtml"/> matches somewhere, decided on ASCII alone, or Unsure.</summary>
    internal static Found ScanForUnsafe(string text)
    {
        var unsure = false;
        var at = 0;
        while (true)
        {
            var next = text.AsSpan(at).IndexOfAny(Anchors);
            if (next < 0) break;
            var i = at + next;
            var found = text[i] switch
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

    // <\s*(script|...)\b
    private static Found TagAt(string text, int lt)
    {
        var j = lt + 1;
        while (j < text.Length && IsAsciiSpace(text[j])) j++;
        if (j < text.Length && text[j] >= 128) return Found.Unsure;
        // most tags (div, p, table, span, /...) start with a letter no unsafe tag starts with: no need to try them all
        if (j == text.Length || !UnsafeTagInitials.Contains((char)(text[j] | 0x20))) return Found.No;
        var result = Found.No;
        foreach (var tag in UnsafeTags)
        {
            var m = MatchIgnoreCase(text, j, tag);
            if (m != Found.Yes) { if (m == Found.Unsure) result = Found.Unsure; continue; }
            var end = j + tag.Length;
            if (end == text.Length) return Found.Yes;
            var c = text[end];
            if (c >= 128) result = Found.Unsure;
            else if (!IsAsciiWord(c)) return Found.Yes;
        }
        return result;
    }

    // \son\w+\s*=  read backwards from the '=': white space, a run of word characters starting with "on" and
    // longer than it, and white space before that run (the only place a \s can sit next to it)
    private static Found HandlerBefore(string text, int eq)
    {
        var k = eq - 1;
        while (k >= 0 && IsAsciiSpace(text[k])) k--;
        if (k < 0) return Found.No;
        var end = k;
        while (k >= 0 && text[k] < 128 && IsAsciiWord(text[k])) k--;
        if (k >= 0 && text[k] >= 128) return Found.Unsure;
        var start = k + 1;
        if (end - start + 1 < 3 || start == 0) return Found.No;
        if ((text[start] | 0x20) != 'o' || (text[start + 1] | 0x20) != 'n') return Found.No;
        return IsAsciiSpace(text[start - 1]) ? Found.Yes : Found.No;
    }

    // javascript:
    private static Found JavascriptBefore(string text, int colon)
    {
        const string word = "javascript";
        var start = colon - word.Length;
        return start < 0 ? Found.No : MatchIgnoreCase(text, start, word);
    }

    /// <summary>ASCII case-insensitive comparison; Unsure when a non-ASCII character stands where the rest matches.</summary>
    private static Found MatchIgnoreCase(string text, int at, string lowerAscii)
    {
        if (at + lowerAscii.Length > text.Length) return Found.No;
        var unsure = false;
        for (var k = 0; k < lowerAscii.Length; k++)
        {
            var c = text[at + k];
            if (c >= 128) unsure = true;
            else if ((c | 0x20) != lowerAscii[k]) return Found.No;
        }
        return unsure ? Found.Unsure : Found.Yes;
    }

    // the ASCII members of .NET's \s and \w
    private static bool IsAsciiSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
    private static bool IsAsciiWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
