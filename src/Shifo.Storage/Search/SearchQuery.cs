using Shifo.Fhir.Outcomes;
using Shifo.Storage.Model;

namespace Shifo.Storage.Search;

/// <summary>One search parameter as the client wrote it: name, optional modifier (after the first ':') and raw value (commas = OR).</summary>
public sealed record SearchParameter(string Name, string? Modifier, string Value)
{
    /// <summary>The parameter name as written, modifier and chain included ("subject:Patient.name").</summary>
    public string Key => Modifier is null ? Name : Name + ":" + Modifier;
}

/// <summary>_total: none, estimate, accurate; Default = accurate on a first page, none on later ones.</summary>
public enum TotalMode { Default, None, Estimate, Accurate }

/// <summary>
/// A search over one resource type (or all, when ResourceType is null): parameters in request order (a repeated
/// name = AND), including _sort, _include, _revinclude and _total. Page size and cursor are taken out by the caller,
/// as are the parameters that only shape the response (_summary, _elements, _format).
/// </summary>
public sealed record SearchQuery
{
    public string? ResourceType { get; init; }
    public IReadOnlyList<SearchParameter> Parameters { get; init; } = [];
    public int Count { get; init; } = 50;
    /// <summary>The opaque paging token of a next/previous link (null for a first page).</summary>
    public string? Cursor { get; init; }
    /// <summary>Compartment search (Patient/123/Observation): only resources linked to this one by the compartment's parameters.</summary>
    public (string Type, string Id)? Compartment { get; init; }
    /// <summary>Overrides _total from the parameters (conditional create needs no total; _summary=count needs one).</summary>
    public TotalMode? Total { get; init; }
    /// <summary>Prefer: handling=strict — an unknown or unsupported parameter is an error instead of a warning.</summary>
    public bool Strict { get; init; }
}

/// <summary>
/// A page of matches in order, the resources _include/_revinclude brought along, the total when asked for or free,
/// cursors for the neighbouring pages, issues about the request (ignored parameters become warnings; errors mean
/// the search was refused) and the parameters that were understood (for the self link).
/// </summary>
public sealed record SearchPage(
    IReadOnlyList<StoredResource> Matches,
    IReadOnlyList<StoredResource> Included,
    long? Total,
    string? NextCursor,
    string? PreviousCursor,
    IReadOnlyList<Issue> Issues,
    IReadOnlyList<SearchParameter> Understood)
{
    public bool HasMore => NextCursor is not null;

    public static SearchPage Refused(IReadOnlyList<Issue> issues) => new([], [], null, null, null, issues, []);
}
