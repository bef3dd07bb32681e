namespace Shifo.Storage.Model;

/// <summary>A write was refused because the resource is no longer at the version the client expected (HTTP 412).</summary>
public sealed class VersionConflictException(string resourceType, string id, long? expected, long? current)
    : Exception(current is null
        ? $"{resourceType}/{id} does not exist, but version {expected} was expected."
        : $"{resourceType}/{id} is at version {current}, not at the expected version {expected}.")
{
    public string ResourceType { get; } = resourceType;
    public string Id { get; } = id;
    public long? Expected { get; } = expected;
    public long? Current { get; } = current;
}

/// <summary>Another transaction wrote the same resource at the same moment (HTTP 409); the client may retry.</summary>
public sealed class ConcurrentWriteException(string resourceType, string id, Exception? inner = null)
    : Exception($"{resourceType}/{id} was written by another request at the same time; retry.", inner)
{
    public string ResourceType { get; } = resourceType;
    public string Id { get; } = id;
}
