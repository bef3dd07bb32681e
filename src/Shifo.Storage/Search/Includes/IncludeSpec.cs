using Shifo.Storage.Indexing;
using Shifo.Storage.Search.Parsing;

namespace Shifo.Storage.Search.Includes;

/// <summary>
/// One _include (Reverse = false: resources the matches refer to) or _revinclude (resources referring to the matches):
/// SourceType:Param[:TargetType]; Param null for '*' (every reference parameter). Iterate applies it to included resources too.
/// </summary>
public sealed record IncludeSpec(bool Reverse, string SourceType, string? Param, string? TargetType, bool Iterate)
{
    /// <summary>Where Param's index rows are (under another name when it repeats another parameter); null for '*'.</summary>
    public StoredParameter? Stored { get; init; }

    public static IncludeSpec Parse(SearchCatalog catalog, string name, string? modifier, string value, string? searchedType)
    {
        if (modifier is not (null or "iterate" or "recurse"))
            throw new SearchException($"{name} takes only the modifier :iterate.");
        var reverse = name == "_revinclude";
        var iterate = modifier is not null;
        if (value == "*")
        {
            if (reverse || searchedType is null) throw new SearchException($"{name}=* needs a type: use [type]:*.");
            return new IncludeSpec(false, searchedType, null, null, iterate);
        }
        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3) throw new SearchException($"{name} takes [type]:[reference parameter] or [type]:[parameter]:[target type].");
        var (source, param) = (parts[0], parts[1]);
        if (!catalog.Definitions.IsResourceType(source)) throw new SearchException($"{name}: {source} is not a resource type.");
        string? target = parts.Length == 3 ? parts[2] : null;
        if (target is not null && !catalog.Definitions.IsResourceType(target)) throw new SearchException($"{name}: {target} is not a resource type.");
        if (param == "*") return new IncludeSpec(reverse, source, null, target, iterate);
        var sp = catalog.Find(source, param);
        if (sp is null || sp.Type != "reference") throw new SearchException($"{name}: {param} is not a reference parameter of {source}.");
        return new IncludeSpec(reverse, source, param, target, iterate) { Stored = catalog.StoredAs(source, param) };
    }
}
