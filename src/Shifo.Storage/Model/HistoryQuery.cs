namespace Shifo.Storage.Model;

/// <summary>
/// A history request: of one resource (type and id), of a type (type only), or of the whole system (neither).
/// Since and At bound the versions by time; paging is by keyset (Before), so pages stay correct while data changes.
/// </summary>
public sealed record HistoryQuery
{
    public string? ResourceType { get; init; }
    public string? Id { get; init; }

    /// <summary>Only versions written at or after this instant (_since).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only versions that were current at some moment of [AtLow, AtHigh] (_at, a possibly partial date).</summary>
    public DateTimeOffset? AtLow { get; init; }
    public DateTimeOffset? AtHigh { get; init; }

    /// <summary>Page size (_count).</summary>
    public int Count { get; init; } = 50;

    /// <summary>Continue after this position (an opaque cursor from the previous page), null for the first page.</summary>
    public long? Before { get; init; }
}

/// <summary>One page of history, newest first, with the total matching count and the cursor of the next page.</summary>
public sealed record HistoryPage(IReadOnlyList<StoredResource> Entries, long Total, long? NextCursor);
