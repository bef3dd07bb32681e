using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>The string functions; each expects a single String focus (an error otherwise) and is empty on empty input.</summary>
internal static class StringFunctions
{
    public static void Register(Registrar add)
    {
        add("indexOf", 1, 1, static (s, focus, args, input) => With(focus, "indexOf", text =>
            Args.String(s, args, 0, input, "indexOf") is { } sub ? (long)text.IndexOf(sub, StringComparison.Ordinal) : null));
        add("substring", 1, 2, static (s, focus, args, input) => With(focus, "substring", text =>
        {
            var start = Args.Integer(s, args, 0, input, "substring");
            if (start is null || start < 0 || start >= text.Length) return null;
            if (args.Length == 1) return text[(int)start..];
            var length = Args.Integer(s, args, 1, input, "substring");
            if (length is null) return text[(int)start..];
            if (length <= 0) return "";
            return text.Substring((int)start, (int)Math.Min(length.Value, text.Length - start.Value));
        }));
        add("startsWith", 1, 1, static (s, focus, args, input) => With(focus, "startsWith", text =>
            Args.String(s, args, 0, input, "startsWith") is { } p ? FhirPathValues.Box(text.StartsWith(p, StringComparison.Ordinal)) : null));
        add("endsWith", 1, 1, static (s, focus, args, input) => With(focus, "endsWith", text =>
            Args.String(s, args, 0, input, "endsWith") is { } p ? FhirPathValues.Box(text.EndsWith(p, StringComparison.Ordinal)) : null));
        add("contains", 1, 1, static (s, focus, args, input) => With(focus, "contains", text =>
            Args.String(s, args, 0, input, "contains") is { } p ? FhirPathValues.Box(text.Contains(p, StringComparison.Ordinal)) : null));
        add("upper", 0, 0, static (_, focus, _, _) => With(focus, "upper", text => text.ToUpperInvariant()));
        add("lower", 0, 0, static (_, focus, _, _) => With(focus, "lower", text => text.ToLowerInvariant()));
        add("replace", 2, 2, static (s, focus, args, input) => With(focus, "replace", text =>
        {
            var pattern = Args.String(s, args, 0, input, "replace");
            var with = Args.String(s, args, 1, input, "replace");
            if (pattern is null || with is null) return null;
            if (pattern.Length == 0)
            {
                // an empty pattern matches around every character
                var sb = new StringBuilder(with);
                foreach (var c in text) sb.Append(c).Append(with);
                return sb.ToString();
            }
            return text.Replace(pattern, with, StringComparison.Ordinal);
        }));
        add("matches", 1, 1, static (s, focus, args, input) => With(focus, "matches", text =>
            Args.String(s, args, 0, input, "matches") is { } p ? FhirPathValues.Box(Regex(p, false).IsMatch(text)) : null));
        add("matchesFull", 1, 1, static (s, focus, args, input) => With(focus, "matchesFull", text =>
            Args.String(s, args, 0, input, "matchesFull") is { } p ? FhirPathValues.Box(Regex(p, true).IsMatch(text)) : null));
        add("replaceMatches", 2, 2, static (s, focus, args, input) => With(focus, "replaceMatches", text =>
        {
            var pattern = Args.String(s, args, 0, input, "replaceMatches");
            var with = Args.String(s, args, 1, input, "replaceMatches");
            if (pattern is null || with is null) return null;
            return pattern.Length == 0 ? text : Regex(pattern, false).Replace(text, with);
        }));
        add("length", 0, 0, static (_, focus, _, _) => With(focus, "length", text => (long)text.Length));
        add("toChars", 0, 0, static (_, focus, _, _) =>
        {
            var text = Args.FocusString(focus, "toChars");
            return text is null ? Collections.Empty : text.Select(c => (object)c.ToString()).ToList();
        });
        add("trim", 0, 0, static (_, focus, _, _) => With(focus, "trim", text => text.Trim()));
        add("split", 1, 1, static (s, focus, args, input) =>
        {
            var text = Args.FocusString(focus, "split");
            var separator = Args.String(s, args, 0, input, "split");
            if (text is null || separator is null) return Collections.Empty;
            return text.Split(separator).Select(x => (object)x).ToList();
        });
        add("join", 0, 1, static (s, focus, args, input) =>
        {
            var separator = args.Length == 0 ? "" : Args.String(s, args, 0, input, "join") ?? "";
            return Collections.Single(string.Join(separator, focus.Select(x => FhirPathValues.ToStringValue(x)
                ?? throw new FhirPathEvaluationException("join() expects strings."))));
        });
        add("encode", 1, 1, static (s, focus, args, input) => With(focus, "encode", text => Args.String(s, args, 0, input, "encode") switch
        {
            "base64" => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)),
            "urlbase64" => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).Replace('+', '-').Replace('/', '_'),
            "hex" => Convert.ToHexString(Encoding.UTF8.GetBytes(text)).ToLowerInvariant(),
            _ => null,
        }));
        add("decode", 1, 1, static (s, focus, args, input) => With(focus, "decode", text =>
        {
            try
            {
                return Args.String(s, args, 0, input, "decode") switch
                {
                    "base64" => Encoding.UTF8.GetString(Convert.FromBase64String(text)),
                    "urlbase64" => Encoding.UTF8.GetString(Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/'))),
                    "hex" => Encoding.UTF8.GetString(Convert.FromHexString(text)),
                    _ => null,
                };
            }
            catch (FormatException)
            {
                return null;
            }
        }));
        add("escape", 1, 1, static (s, focus, args, input) => With(focus, "escape", text => Args.String(s, args, 0, input, "escape") switch
        {
            "html" => WebUtility.HtmlEncode(text),
            "json" => JsonSerializer.Serialize(text)[1..^1],
            _ => null,
        }));
        add("unescape", 1, 1, static (s, focus, args, input) => With(focus, "unescape", text => Args.String(s, args, 0, input, "unescape") switch
        {
            "html" => WebUtility.HtmlDecode(text),
            "json" => UnescapeJson(text),
            _ => null,
        }));
    }

    private static string? UnescapeJson(string text)
    {
        try { return JsonSerializer.Deserialize<string>("\"" + text + "\""); }
        catch (JsonException) { return null; }
    }

    private static IReadOnlyList<object> With(IReadOnlyList<object> focus, string function, Func<string, object?> body)
    {
        var text = Args.FocusString(focus, function);
        return text is null ? Collections.Empty : Collections.Of(body(text));
    }

    private static readonly ConcurrentDictionary<(string, bool), Regex> Regexes = new();

    // The patterns of an invariant are literals, the same string instance on every evaluation: a few recent ones are
    // found by reference before hashing the whole pattern for the shared cache (eld-19's is a hundred characters).
    [ThreadStatic] private static RecentRegex?[]? t_recent;
    [ThreadStatic] private static int t_nextRecent;
    private sealed record RecentRegex(string Pattern, bool Full, Regex Regex);

    /// <summary>
    /// FHIRPath regexes run in single-line mode ('.' matches newlines); matchesFull anchors the whole string. They are
    /// compiled to IL: the definitions' patterns run on every element of every StructureDefinition.
    /// </summary>
    /// <summary>The regex matches() and matchesFull() run for a pattern, for native versions of invariants.</summary>
    internal static Regex CachedRegex(string pattern, bool full) => Regex(pattern, full);

    private static Regex Regex(string pattern, bool full)
    {
        var recent = t_recent ??= new RecentRegex?[8];
        foreach (var r in recent)
            if (r is not null && ReferenceEquals(r.Pattern, pattern) && r.Full == full) return r.Regex;
        var regex = Regexes.GetOrAdd((pattern, full), static key =>
            new Regex(key.Item2 ? "^(?:" + key.Item1 + ")$" : key.Item1,
                RegexOptions.Singleline | RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1)));
        recent[t_nextRecent++ & (recent.Length - 1)] = new RecentRegex(pattern, full, regex);
        return regex;
    }
}
