using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Shifo.Fhir.Definitions;

namespace Shifo.Storage.Indexing;

/// <summary>
/// Where a parameter's index rows are: under its own name, or, for a parameter that only repeats others, under
/// theirs. A parameter repeats others when each union branch of its expression is a branch of one of them and
/// their branches are all its own: Observation's combo-code is code | component-code, a patient parameter is
/// subject (or actor, agent, ...) kept to Patient targets, Patient's phonetic is its name. Such rows would be
/// written twice (a fifth of all index rows of a typical population): they are written once, searched under both.
/// </summary>
/// <param name="Parameters">the names the rows are stored under</param>
/// <param name="TargetType">for a reference kept to one target type, that type: a row of it, or of a reference
/// whose target type cannot be read (the indexer keeps those in such a parameter too)</param>
public sealed record StoredParameter(IReadOnlyList<string> Parameters, string? TargetType);

public sealed class StoredParameters
{
    private static readonly ConditionalWeakTable<FhirDefinitions, StoredParameters> Shared = new();

    private readonly FhirDefinitions _definitions;
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, (string Url, StoredParameter Stored)>> _repeats = new(StringComparer.Ordinal);

    private StoredParameters(FhirDefinitions definitions) => _definitions = definitions;

    /// <summary>The one instance for a set of definitions: the indexer and the search compiler must agree.</summary>
    public static StoredParameters For(FhirDefinitions definitions) => Shared.GetValue(definitions, d => new StoredParameters(d));

    /// <summary>Where the rows of parameter <paramref name="code"/> of a type are (under its own name unless it repeats others).</summary>
    public StoredParameter Of(string? resourceType, string code) =>
        resourceType is not null && Repeats(resourceType).TryGetValue(code, out var r) ? r.Stored : new StoredParameter([code], null);

    /// <summary>Whether the indexer writes no rows of this definition for the type, since other parameters hold them.</summary>
    public bool IsRepeat(string resourceType, SearchParameterInfo sp) =>
        Repeats(resourceType).TryGetValue(sp.Code, out var r) && r.Url == sp.Url;

    private IReadOnlyDictionary<string, (string Url, StoredParameter Stored)> Repeats(string resourceType) =>
        _repeats.GetOrAdd(resourceType, Find);

    private IReadOnlyDictionary<string, (string Url, StoredParameter Stored)> Find(string resourceType)
    {
        // the parameter a name means is the first defined with it (as for search)
        var byCode = new Dictionary<string, SearchParameterInfo>(StringComparer.Ordinal);
        foreach (var sp in _definitions.SearchParametersFor(resourceType))
            if (sp.Expression is not null && sp.Code is not ("_id" or "_lastUpdated")) byCode.TryAdd(sp.Code, sp);
        var branches = byCode.Values.ToDictionary(sp => sp.Code,
            sp => ExpressionBranches.For(sp.Expression!, resourceType, _definitions.IsResourceType), StringComparer.Ordinal);

        var result = new Dictionary<string, (string, StoredParameter)>(StringComparer.Ordinal);
        foreach (var p in byCode.Values)
        {
            var own = branches[p.Code];
            if (own.Count == 0) continue;
            var target = own[0].TargetType;
            if (own.Any(b => b.TargetType != target)) continue;
            var mine = own.Select(b => b.Expression.Trim()).ToHashSet(StringComparer.Ordinal);
            var covered = new HashSet<string>(StringComparer.Ordinal);
            var names = new List<string>();
            foreach (var q in byCode.Values)
            {
                if (q == p || q.Type != p.Type || !SameComponents(p, q)) continue;
                var theirs = branches[q.Code];
                if (theirs.Count == 0 || theirs.Any(b => b.TargetType is not null)) continue;
                var set = theirs.Select(b => b.Expression.Trim()).ToHashSet(StringComparer.Ordinal);
                // a strict subset, the same branches narrowed to a target type, or the same parameter twice (Patient's
                // phonetic is its name), stored under the name first in ordinal order: never two pointing at each other
                if (!set.IsSubsetOf(mine) || (set.SetEquals(mine) && target is null && string.CompareOrdinal(q.Code, p.Code) > 0)) continue;
                covered.UnionWith(set);
                names.Add(q.Code);
            }
            if (names.Count > 0 && covered.SetEquals(mine)) result[p.Code] = (p.Url, new StoredParameter(names, target));
        }
        // a parameter named here may itself repeat smaller ones (none in R4): store under those
        foreach (var code in result.Keys.ToList())
        {
            var (url, stored) = result[code];
            result[code] = (url, stored with { Parameters = Expand(stored.Parameters, result) });
        }
        return result;
    }

    private static List<string> Expand(IEnumerable<string> names, Dictionary<string, (string Url, StoredParameter Stored)> repeats) =>
        names.SelectMany(n => repeats.TryGetValue(n, out var r) ? Expand(r.Stored.Parameters, repeats) : [n]).Distinct().ToList();

    /// <summary>Composites repeat each other only with the same components, evaluated the same way.</summary>
    private bool SameComponents(SearchParameterInfo p, SearchParameterInfo q)
    {
        if (p.Type != "composite") return true;
        if (p.Components.Count == 0 || p.Components.Count != q.Components.Count) return false;
        for (var i = 0; i < p.Components.Count; i++)
        {
            if (p.Components[i].Expression.Trim() != q.Components[i].Expression.Trim()) return false;
            if (_definitions.SearchParameterByUrl(p.Components[i].Definition)?.Type is not { } type
                || type != _definitions.SearchParameterByUrl(q.Components[i].Definition)?.Type) return false;
        }
        return true;
    }
}
