namespace Shifo.Storage.Model;

/// <summary>The outcome of an update: the new version, and whether it created the resource (update-as-create).</summary>
public sealed record UpdateResult(StoredResource Resource, bool Created);

public enum DeleteStatus
{
    /// <summary>A delete version was written.</summary>
    Deleted,
    /// <summary>The resource was already deleted; nothing was written.</summary>
    AlreadyDeleted,
    /// <summary>The resource never existed.</summary>
    NotFound,
}

/// <summary>The outcome of a delete; Version is the delete version when one was written.</summary>
public sealed record DeleteResult(DeleteStatus Status, StoredResource? Version);
