namespace Shifo.Storage.Search.Paging;

/// <summary>
/// Keeps paging snapshots strict within a process: a write stamped in the same millisecond as a first page's snapshot
/// would count as "existing then" and show up on later pages. Writes therefore take a time after the newest snapshot
/// handed out. (Across nodes the clocks decide, to the millisecond.)
/// </summary>
public static class SnapshotFence
{
    private static long _newestSnapshot;

    /// <summary>The snapshot of a new first page: now, remembered.</summary>
    public static long Take(TimeProvider clock)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        long seen;
        while ((seen = Interlocked.Read(ref _newestSnapshot)) < now && Interlocked.CompareExchange(ref _newestSnapshot, now, seen) != seen) { }
        return now;
    }

    /// <summary>The time (Unix ms) to stamp a write with: now, but after every snapshot already taken.</summary>
    public static long WriteTime(TimeProvider clock) => Math.Max(clock.GetUtcNow().ToUnixTimeMilliseconds(), Interlocked.Read(ref _newestSnapshot) + 1);
}
