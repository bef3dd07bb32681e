namespace Shifo.Storage.Model;

/// <summary>What kind of change produced a version (history's Bundle.entry.request.method).</summary>
public enum ChangeKind : byte
{
    Create = 1,
    Update = 2,
    Delete = 3,
}

/// <summary>
/// One version of a resource as stored: its identity, version, time and the resource's JSON exactly as served
/// (meta.versionId and meta.lastUpdated already stamped). A deleted version has no JSON.
/// </summary>
public sealed record StoredResource(
    string ResourceType,
    string Id,
    long VersionId,
    DateTimeOffset LastUpdated,
    ChangeKind Change,
    byte[]? Json)
{
    public bool IsDeleted => Change == ChangeKind.Delete;

    /// <summary>The weak ETag FHIR uses for a version: W/"3".</summary>
    public string ETag => $"W/\"{VersionId}\"";
}
