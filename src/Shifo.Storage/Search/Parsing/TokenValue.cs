namespace Shifo.Storage.Search.Parsing;

/// <summary>
/// A token search value: "code", "system|code", "|code" (no system) or "system|" (any code of the system).
/// HasSystem says a bar was written; System is then null for "|code".
/// </summary>
public readonly record struct TokenValue(bool HasSystem, string? System, string? Code)
{
    public static TokenValue Parse(string value)
    {
        var bar = IndexOfUnescaped(value, '|');
        if (bar < 0) return new(false, null, Unescape(value));
        var system = value[..bar];
        var code = value[(bar + 1)..];
        return new(true, system.Length == 0 ? null : Unescape(system), code.Length == 0 ? null : Unescape(code));
    }

    /// <summary>The position of <paramref name="c"/> not preceded by a backslash (FHIR escapes \| \, \$ \\).</summary>
    public static int IndexOfUnescaped(string s, char c, int from = 0)
    {
        for (var i = from; i < s.Length; i++)
        {
            if (s[i] == '\\') { i++; continue; }
            if (s[i] == c) return i;
        }
        return -1;
    }

    /// <summary>Splits at unescaped <paramref name="c"/>, leaving the escapes in the parts.</summary>
    public static List<string> SplitUnescaped(string s, char c)
    {
        var parts = new List<string>();
        var start = 0;
        int at;
        while ((at = IndexOfUnescaped(s, c, start)) >= 0)
        {
            parts.Add(s[start..at]);
            start = at + 1;
        }
        parts.Add(s[start..]);
        return parts;
    }

    public static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new System.Text.StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length) i++;
            sb.Append(s[i]);
        }
        return sb.ToString();
    }
}
