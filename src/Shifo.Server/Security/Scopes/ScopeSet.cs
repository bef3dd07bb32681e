namespace Shifo.Server.Security.Scopes;

/// <summary>The scopes of a token: its resource scopes, understood, and the others (openid, fhirUser, launch/patient, offline_access...) kept as words.</summary>
public sealed class ScopeSet
{
    private readonly List<SmartScope> _resourceScopes = [];
    private readonly HashSet<string> _words = new(StringComparer.Ordinal);

    public IReadOnlyList<SmartScope> ResourceScopes => _resourceScopes;

    /// <summary>Every scope word as given (for the token's "scope" claim).</summary>
    public IReadOnlyCollection<string> Words => _words;

    public static ScopeSet Parse(string? text)
    {
        var set = new ScopeSet();
        foreach (var word in (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            set._words.Add(word);
            if (SmartScope.TryParse(word, out var scope)) set._resourceScopes.Add(scope!);
        }
        return set;
    }

    public bool Has(string word) => _words.Contains(word);

    /// <summary>Whether some scope of this context grants all of <paramref name="actions"/> on the type (each action may come from a different scope).</summary>
    public bool Allows(ScopeContext context, string resourceType, ScopeActions actions)
    {
        var granted = ScopeActions.None;
        foreach (var s in _resourceScopes)
            if (s.Context == context && (s.AllTypes || s.ResourceType == resourceType)) granted |= s.Actions;
        return (granted & actions) == actions;
    }

    /// <summary>Whether some scope of any context grants the actions on the type.</summary>
    public bool AllowsAny(string resourceType, ScopeActions actions) =>
        Allows(ScopeContext.System, resourceType, actions) || Allows(ScopeContext.User, resourceType, actions) || Allows(ScopeContext.Patient, resourceType, actions);

    public override string ToString() => string.Join(' ', _words);
}
