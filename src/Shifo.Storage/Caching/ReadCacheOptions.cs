namespace Shifo.Storage.Caching;

/// <summary>
/// Configuration section "Store:ReadCache": the in-process cache of current versions for reads by id and vread.
/// PostgreSQL only (SQLite files can be written by other processes the cache would never hear of).
/// </summary>
public sealed class ReadCacheOptions
{
    /// <summary>On unless set to false; only ever used on PostgreSQL, and only while its change listener is connected.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The bound on the cached JSON plus a per-entry overhead estimate.</summary>
    public int MaxMegabytes { get; set; } = 256;

    /// <summary>How long the change listener waits before reconnecting after it lost its connection.</summary>
    public int ReconnectDelayMilliseconds { get; set; } = 1000;
}
