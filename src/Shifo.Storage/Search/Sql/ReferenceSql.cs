using Shifo.Storage.Indexing;
using Shifo.Storage.Search.Parsing;

namespace Shifo.Storage.Search.Sql;

/// <summary>
/// reference parameters over idx_reference: "id", "Type/id", an absolute URL (matched as written, or by its Type/id
/// tail), a canonical "url|version"; :[type] restricts the target type; :identifier matches Reference.identifier.
/// </summary>
internal static class ReferenceSql
{
    public static string Row(SqlContext c, string a, string? modifier, string value, IReadOnlyList<string> targets)
    {
        var text = TokenValue.Unescape(value);
        if (modifier == "identifier")
        {
            var t = TokenValue.Parse(value);
            var parts = new List<string>();
            if (t.Code is not null) parts.Add($"{a}.ident_value = {c.Add(t.Code)}");
            if (t.HasSystem) parts.Add(t.System is null ? $"{a}.ident_system IS NULL" : $"{a}.ident_system = {c.Add(t.System)}");
            if (parts.Count == 0) throw new SearchException(":identifier needs system|value or a value.");
            return string.Join(" AND ", parts);
        }
        string? type = null;
        if (modifier is not null)
        {
            if (!c.Definitions.IsResourceType(modifier))
                throw new SearchException($"The modifier :{modifier} does not apply to reference parameters (expected a resource type, :identifier or :missing).");
            type = modifier;
        }
        if (text.Length == 0) throw new SearchException("A reference value cannot be empty.");

        if (text.Contains("://", StringComparison.Ordinal) || text.StartsWith("urn:", StringComparison.Ordinal))
        {
            var bar = text.IndexOf('|');
            var url = bar < 0 ? text : text[..bar];
            var byUrl = $"{a}.url = {c.Add(url)}" + (bar < 0 ? "" : $" AND {a}.target_version = {c.Add(text[(bar + 1)..])}");
            var (tailType, tailId, _, _) = IndexValues.ParseReference(url, null);
            // a reference to this server written absolutely is stored as Type/id
            return tailId is null ? byUrl : $"(({byUrl}) OR ({a}.target_type = {c.Add(tailType)} AND {a}.target_id = {c.Add(tailId)}))";
        }
        var slash = text.IndexOf('/');
        string id;
        if (slash > 0)
        {
            var written = text[..slash];
            if (!c.Definitions.IsResourceType(written)) throw new SearchException($"'{DateSql.Shorten(text)}' is not a reference: {written} is not a resource type.");
            if (type is not null && type != written) throw new SearchException($"The reference {DateSql.Shorten(text)} contradicts the modifier :{type}.");
            type = written;
            id = text[(slash + 1)..];
            var history = id.IndexOf("/_history/", StringComparison.Ordinal);
            if (history >= 0) id = id[..history];
        }
        else id = text;
        if (type is null && targets.Count == 1) type = targets[0];
        return type is null
            ? $"{a}.target_id = {c.Add(id)}"
            : $"{a}.target_id = {c.Add(id)} AND {a}.target_type = {c.Add(type)}";
    }
}
