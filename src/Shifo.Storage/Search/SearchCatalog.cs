using System.Collections.Concurrent;
using Shifo.Fhir.Definitions;
using Shifo.Storage.Indexing;

namespace Shifo.Storage.Search;

/// <summary>
/// Which search parameters exist for a resource type and which of them this server can search (those the indexer
/// fills, plus _id and _lastUpdated from the resource table), with the modifiers each type takes. The
/// CapabilityStatement is generated from here, so it lists what really works.
/// </summary>
public sealed class SearchCatalog(FhirDefinitions definitions)
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, SearchParameterInfo>> _byType = new(StringComparer.Ordinal);
    private readonly StoredParameters _stored = StoredParameters.For(definitions);

    public FhirDefinitions Definitions => definitions;

    /// <summary>The parameter <paramref name="code"/> of a type; for a null type (system search) those defined on Resource.</summary>
    public SearchParameterInfo? Find(string? type, string code) =>
        Parameters(type).GetValueOrDefault(code);

    public IReadOnlyDictionary<string, SearchParameterInfo> Parameters(string? type) =>
        _byType.GetOrAdd(type ?? "", t =>
        {
            var list = t.Length == 0 ? definitions.SearchParameters.Where(s => s.Base.Contains("Resource")) : definitions.SearchParametersFor(t);
            var map = new Dictionary<string, SearchParameterInfo>(StringComparer.Ordinal);
            foreach (var sp in list) map.TryAdd(sp.Code, sp);
            return map;
        });

    /// <summary>The names a parameter's index rows are stored under: its own, or those of the parameters it repeats.</summary>
    public StoredParameter StoredAs(string? type, string code) => _stored.Of(type, code);

    /// <summary>The definition a composite component points at.</summary>
    public SearchParameterInfo? ByUrl(string url) => definitions.SearchParameterByUrl(url);

    /// <summary>Can this server search by the parameter? (It has an expression and an index table, or is _id/_lastUpdated.)</summary>
    public bool IsSupported(SearchParameterInfo sp)
    {
        if (sp.Code is "_id" or "_lastUpdated") return true;
        if (sp.Expression is null) return false;
        if (sp.Type == "composite")
            return sp.Components.Count > 0 && sp.Components.All(c => ByUrl(c.Definition) is { } d && IndexTable.ForParameterType(d.Type) is not null);
        return IndexTable.ForParameterType(sp.Type) is not null;
    }

    public IEnumerable<SearchParameterInfo> Supported(string? type) => Parameters(type).Values.Where(IsSupported);

    /// <summary>The modifiers this server understands for a parameter type (besides :missing, which all take).</summary>
    public static IReadOnlyList<string> ModifiersFor(string parameterType) => parameterType switch
    {
        "string" => ["missing", "exact", "contains"],
        "token" => ["missing", "text", "not", "above", "below", "in", "not-in", "of-type"],
        "reference" => ["missing", "identifier", "[type]"],
        "uri" => ["missing", "above", "below"],
        _ => ["missing"],
    };

    /// <summary>The reference parameters of a type, for _include values.</summary>
    public IEnumerable<SearchParameterInfo> ReferenceParameters(string type) =>
        Supported(type).Where(s => s.Type == "reference");
}
