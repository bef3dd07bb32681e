namespace Shifo.Storage.Jobs;

/// <summary>
/// Where an import batch stands among the batches written at the same time. Its transaction holds the lock named
/// <paramref name="Key"/> from its start to its end. <paramref name="After"/> is the batch before it, when that one may
/// still be running: this batch commits only after that one, and it waits for it on that one's lock. Because the wait
/// is one the database sees, a deadlock between the two batches and another writer is detected and broken, never left hanging.
/// </summary>
public sealed record ImportOrder(string Key, ImportOrder.Predecessor? After)
{
    /// <summary>The batch before: its lock, and whether it committed once it has ended.</summary>
    public sealed record Predecessor(string Key, Task<bool> Committed);

    /// <summary>Completes once the batch holds its lock, or has failed before: the next batch may start only then.</summary>
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
