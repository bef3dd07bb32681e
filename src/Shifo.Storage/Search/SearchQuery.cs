using Shifo.Fhir.Outcomes;
using Shifo.Storage.Model;

namespace Shifo.Storage.Search;

/// <summary>One search parameter as the client wrote it: name, optional modifier (after ':') and raw value (commas = OR).</summary>
public sealed record SearchParameter(string Name, string? Modifier, string Value);

/// <summary>
/// A search over one resource type (or all, when ResourceType is null): parameters in request order (a repeated
/// name = AND), page size and offset. The result-control parameters (_count, _offset, ...) are taken out by the caller.
/// </summary>
public sealed record SearchQuery
{
    public string? ResourceType { get; init; }
    public IReadOnlyList<SearchParameter> Parameters { get; init; } = [];
    public int Count { get; init; } = 50;
    public int Offset { get; init; }
    /// <summary>Prefer: handling=strict — an unknown or unsupported parameter is an error instead of a warning.</summary>
    public bool Strict { get; init; }
}

/// <summary>
/// A page of matches, the total when known, and issues about the request (ignored parameters become warnings;
/// errors mean the search was refused). NotImplemented lists defined parameters this server cannot search yet.
/// </summary>
public sealed record SearchPage(
    IReadOnlyList<StoredResource> Matches,
    long? Total,
    bool HasMore,
    IReadOnlyList<Issue> Issues,
    IReadOnlyList<string> NotImplemented);
