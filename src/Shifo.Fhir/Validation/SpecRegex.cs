using System.Text;
using System.Text.RegularExpressions;

namespace Shifo.Fhir.Validation;

/// <summary>
/// Compiles the regular expressions of the FHIR definitions. They are written for Java, where \s, \S, \d and
/// \w are ASCII classes; in .NET they are Unicode (a no-break space is \s there, so ' Seul' with U+00A0
/// would fail the string pattern). The shorthand classes are rewritten to their ASCII meaning first.
/// </summary>
internal static class SpecRegex
{
    private const string Space = @"\t\n\x0B\f\r ";
    private const string Word = "a-zA-Z0-9_";

    public static Regex Compile(string pattern) =>
        // non-backtracking: linear time even on long base64 or hostile input
        new("^(?:" + ToDotNet(pattern) + ")\\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    public static string ToDotNet(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 32);
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                sb.Append(Shorthand(pattern[i + 1], inClass: false) ?? pattern.Substring(i, 2));
                i += 2;
            }
            else if (c == '[')
                i = CharClass(pattern, i, sb);
            else
            {
                sb.Append(c);
                i++;
            }
        }
        return sb.ToString();
    }

    /// <summary>Copies the class starting at <paramref name="start"/>; a negated shorthand inside becomes an alternation.</summary>
    private static int CharClass(string pattern, int start, StringBuilder sb)
    {
        var i = start + 1;
        var negated = i < pattern.Length && pattern[i] == '^';
        if (negated) i++;
        var body = new StringBuilder();
        var extra = new List<string>(); // negated shorthands (\S, \D, \W) cannot be put inside a .NET class
        if (i < pattern.Length && pattern[i] == ']') { body.Append("\\]"); i++; }
        while (i < pattern.Length && pattern[i] != ']')
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                var e = pattern[i + 1];
                if (e is 'S' or 'D' or 'W' && !negated) extra.Add(Shorthand(e, inClass: false)!);
                else body.Append(Shorthand(e, inClass: true) ?? pattern.Substring(i, 2));
                i += 2;
            }
            else body.Append(pattern[i++]);
        }
        i++; // the closing ']'
        var cls = body.Length == 0 ? null : "[" + (negated ? "^" : "") + body + "]";
        if (extra.Count == 0) sb.Append(cls ?? "[]");
        else
        {
            sb.Append("(?:");
            if (cls is not null) sb.Append(cls).Append('|');
            sb.Append(string.Join('|', extra)).Append(')');
        }
        return i;
    }

    private static string? Shorthand(char e, bool inClass) => e switch
    {
        's' => inClass ? Space : "[" + Space + "]",
        'S' => "[^" + Space + "]",
        'd' => inClass ? "0-9" : "[0-9]",
        'D' => "[^0-9]",
        'w' => inClass ? Word : "[" + Word + "]",
        'W' => "[^" + Word + "]",
        _ => null,
    };
}
