using Shifo.Storage.Search.Parsing;

namespace Shifo.Storage.Search.Sql;

/// <summary>uri parameters over idx_uri: equality; :below = the stored URI starts with the value; :above = the stored URI is the value or one of its path ancestors.</summary>
internal static class UriSql
{
    public static readonly string[] Modifiers = ["above", "below"];

    public static string Row(SqlContext c, string a, string? modifier, string value)
    {
        var uri = TokenValue.Unescape(value);
        switch (modifier)
        {
            case null:
                return $"{a}.uri = {c.Add(uri)}";
            case "below":
                return c.Dialect.StartsWith($"{a}.uri", uri, c.P);
            case "above":
                // http://a/b/c is above-matched by http://a/b/c, http://a/b and http://a
                var candidates = new List<string> { uri };
                for (var end = uri.LastIndexOf('/'); end > 0 && uri[end - 1] != '/'; end = uri.LastIndexOf('/', end - 1))
                    candidates.Add(uri[..end]);
                return $"{a}.uri IN ({string.Join(", ", candidates.Select(c.Add))})";
            default:
                throw new SearchException($"The modifier :{modifier} does not apply to uri parameters.");
        }
    }
}
