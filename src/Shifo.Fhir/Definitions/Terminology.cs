namespace Shifo.Fhir.Definitions;

/// <summary>A value set expanded from the package's own code systems, or marked as not expandable here.</summary>
public sealed class ValueSetExpansion
{
    internal ValueSetExpansion(string url, Dictionary<string, HashSet<string>>? systems)
    {
        Url = url;
        _systems = systems;
    }

    private readonly Dictionary<string, HashSet<string>>? _systems;

    public string Url { get; }
    /// <summary>False when the value set draws on code systems the package does not hold (SNOMED CT, LOINC, ...).</summary>
    public bool IsExpandable => _systems is not null;
    public IEnumerable<string> Systems => _systems?.Keys ?? Enumerable.Empty<string>();

    public IEnumerable<(string System, string Code)> Codes =>
        _systems is null ? [] : _systems.SelectMany(kv => kv.Value.Select(c => (kv.Key, c)));

    /// <summary>Whether system|code is in the expansion. A null system matches a code in any system.</summary>
    public bool Contains(string? system, string code)
    {
        if (_systems is null) return false;
        if (system is not null) return _systems.TryGetValue(system, out var codes) && codes.Contains(code);
        // a loop, not Any(): a lambda capturing the code would be allocated on every call, with a system or without
        foreach (var inSystem in _systems.Values)
            if (inSystem.Contains(code)) return true;
        return false;
    }
}

public sealed record Concept(string Code, string? Display, IReadOnlyList<string> Parents, bool Inactive);

/// <summary>A complete code system of the package, with its hierarchy for subsumption.</summary>
public sealed class CodeSystemInfo
{
    internal CodeSystemInfo(string url, bool caseSensitive, Dictionary<string, Concept> concepts)
    {
        Url = url;
        CaseSensitive = caseSensitive;
        Concepts = concepts;
    }

    public string Url { get; }
    public bool CaseSensitive { get; }
    public IReadOnlyDictionary<string, Concept> Concepts { get; }

    /// <summary>True when <paramref name="ancestor"/> is <paramref name="code"/> or one of its ancestors.</summary>
    public bool Subsumes(string ancestor, string code)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>();
        stack.Push(code);
        while (stack.Count > 0)
        {
            var c = stack.Pop();
            if (c == ancestor) return true;
            if (!seen.Add(c) || !Concepts.TryGetValue(c, out var concept)) continue;
            foreach (var p in concept.Parents) stack.Push(p);
        }
        return false;
    }

    /// <summary>The code and every code below it.</summary>
    public IEnumerable<string> DescendantsAndSelf(string code) =>
        Concepts.Keys.Where(c => Subsumes(code, c));
}
