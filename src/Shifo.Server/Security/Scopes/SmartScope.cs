namespace Shifo.Server.Security.Scopes;

/// <summary>
/// One SMART resource scope: context/Type.actions, e.g. patient/Observation.rs, user/*.cruds, system/*.read (v1
/// read = rs, write = cud, * = cruds). Scopes with a query constraint (patient/Observation.rs?category=...) are not
/// understood here and grant nothing: ignoring the constraint would widen them.
/// </summary>
public sealed record SmartScope(ScopeContext Context, string ResourceType, ScopeActions Actions)
{
    /// <summary>"*" for every type.</summary>
    public bool AllTypes => ResourceType == "*";

    public static bool TryParse(string text, out SmartScope? scope)
    {
        scope = null;
        var slash = text.IndexOf('/');
        var dot = text.LastIndexOf('.');
        if (slash <= 0 || dot <= slash + 1 || dot == text.Length - 1 || text.Contains('?')) return false;
        ScopeContext? context = text[..slash] switch
        {
            "patient" => ScopeContext.Patient,
            "user" => ScopeContext.User,
            "system" => ScopeContext.System,
            _ => null,
        };
        if (context is null) return false;
        var type = text[(slash + 1)..dot];
        if (type != "*" && !IsTypeName(type)) return false;
        var actions = ParseActions(text[(dot + 1)..]);
        if (actions == ScopeActions.None) return false;
        scope = new SmartScope(context.Value, type, actions);
        return true;
    }

    public override string ToString() => $"{Context.ToString().ToLowerInvariant()}/{ResourceType}.{Letters(Actions)}";

    public static string Letters(ScopeActions actions)
    {
        var s = "";
        if (actions.HasFlag(ScopeActions.Create)) s += "c";
        if (actions.HasFlag(ScopeActions.Read)) s += "r";
        if (actions.HasFlag(ScopeActions.Update)) s += "u";
        if (actions.HasFlag(ScopeActions.Delete)) s += "d";
        if (actions.HasFlag(ScopeActions.Search)) s += "s";
        return s;
    }

    private static ScopeActions ParseActions(string text)
    {
        switch (text)
        {
            case "read": return ScopeActions.Read | ScopeActions.Search;
            case "write": return ScopeActions.Create | ScopeActions.Update | ScopeActions.Delete;
            case "*": return ScopeActions.All;
        }
        // v2: a non-empty subsequence of "cruds", in that order
        var result = ScopeActions.None;
        var order = "cruds";
        var at = 0;
        foreach (var c in text)
        {
            var i = order.IndexOf(c, at);
            if (i < 0) return ScopeActions.None;
            result |= (ScopeActions)(1 << i);
            at = i + 1;
        }
        return result;
    }

    private static bool IsTypeName(string s) => s.Length > 0 && char.IsAsciiLetterUpper(s[0]) && s.All(char.IsAsciiLetter);
}
