using System.Collections.Concurrent;
using Shifo.Storage.Model;

namespace Shifo.Storage.Caching;

/// <summary>
/// Current versions (and vreads) kept in memory so that most reads by id never reach the database. Coherent only
/// while someone keeps it so: it serves nothing until <see cref="Resume"/> (the change listener connected) and
/// again nothing after <see cref="Suspend"/> (the listener lost its connection, so other nodes' changes may be missed).
///
/// Hits take no lock: a dictionary lookup and a "referenced" mark. Fills, invalidations and evictions of one key
/// take the lock of its stripe; every invalidation of type/id moves the stripe's stamp, and a fill is dropped when
/// the stamp it captured before its database read has moved since (the read may have returned a version a writer
/// has replaced meanwhile). Eviction is CLOCK (second chance) over the dictionary's own enumeration.
/// </summary>
public sealed class ReadCache
{
    private const int Stripes = 256; // a power of two
    private const int EntryOverhead = 160; // the entry, its key, dictionary node: an estimate, counted against the bound

    private readonly ConcurrentDictionary<CacheKey, Entry> _entries = new();
    private readonly long[] _stamps = new long[Stripes];
    private readonly object[] _locks = Enumerable.Range(0, Stripes).Select(_ => new object()).ToArray();
    private readonly object _evictLock = new();
    private IEnumerator<KeyValuePair<CacheKey, Entry>>? _hand;
    private long _epoch;
    private long _bytes;
    private volatile bool _coherent;
    private long _hits, _misses;

    public ReadCache(long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        MaxBytes = maxBytes;
    }

    /// <summary>Identifies this cache's own change messages, which it has applied already.</summary>
    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    public long MaxBytes { get; }
    public long Bytes => Interlocked.Read(ref _bytes);
    public int Count => _entries.Count;
    public bool IsCoherent => _coherent;
    public long Hits => Interlocked.Read(ref _hits);
    public long Misses => Interlocked.Read(ref _misses);

    private sealed class Entry(StoredResource resource, long size)
    {
        public StoredResource Resource { get; } = resource;
        public long Size { get; } = size;
        public volatile bool Referenced;
    }

    /// <summary>What a fill must still find unchanged to be kept; null when the cache is not in use.</summary>
    internal readonly record struct FillStamp(long Epoch, long Stripe);

    internal bool TryGet(CacheKey key, out StoredResource resource)
    {
        if (_coherent && _entries.TryGetValue(key, out var entry))
        {
            if (!entry.Referenced) entry.Referenced = true;
            Interlocked.Increment(ref _hits);
            resource = entry.Resource;
            return true;
        }
        Interlocked.Increment(ref _misses);
        resource = null!;
        return false;
    }

    /// <summary>Taken before the database read whose result may fill the cache.</summary>
    internal FillStamp? BeginFill(CacheKey key)
    {
        if (!_coherent) return null;
        // the epoch first: Suspend/Resume/Clear move it under every stripe lock, so a fill checks both together
        var epoch = Volatile.Read(ref _epoch);
        return new FillStamp(epoch, Volatile.Read(ref _stamps[key.Stripe(Stripes - 1)]));
    }

    /// <summary>Keeps what the database returned, unless the key was invalidated (or the cache cleared) since <paramref name="stamp"/>.</summary>
    internal void Fill(CacheKey key, FillStamp? stamp, StoredResource? resource)
    {
        if (stamp is not { } s || resource is null) return; // no negative caching: a create then needs no invalidation
        var size = (resource.Json?.LongLength ?? 0) + 2L * (key.Type.Length + key.Id.Length) + EntryOverhead;
        if (size > MaxBytes / 16) return;
        var stripe = key.Stripe(Stripes - 1);
        lock (_locks[stripe])
        {
            if (!_coherent || _epoch != s.Epoch || _stamps[stripe] != s.Stripe) return;
            var entry = new Entry(resource, size);
            _entries.AddOrUpdate(key, entry, (_, old) =>
            {
                Interlocked.Add(ref _bytes, -old.Size);
                return entry;
            });
            Interlocked.Add(ref _bytes, size);
        }
        if (Bytes > MaxBytes) Evict();
    }

    /// <summary>Type/id changed: drops its current version and stops fills that read before the change.</summary>
    public void Invalidate(string type, string id)
    {
        var key = CacheKey.Current(type, id);
        var stripe = key.Stripe(Stripes - 1);
        lock (_locks[stripe])
        {
            _stamps[stripe]++;
            if (_entries.TryRemove(key, out var old)) Interlocked.Add(ref _bytes, -old.Size);
        }
    }

    /// <summary>Drops everything (a change message too large to list its keys); stays in use.</summary>
    public void Clear() => Reset(coherent: null);

    /// <summary>The listener lost its connection: serve nothing and keep nothing until it is back.</summary>
    public void Suspend() => Reset(coherent: false);

    /// <summary>The listener is (again) listening: start empty, since changes made meanwhile went unheard.</summary>
    public void Resume() => Reset(coherent: true);

    private void Reset(bool? coherent)
    {
        // every stripe lock, so that no fill checked against the old epoch lands after the clear
        for (var i = 0; i < Stripes; i++) Monitor.Enter(_locks[i]);
        try
        {
            if (coherent is false) _coherent = false;
            _epoch++;
            _entries.Clear();
            Interlocked.Exchange(ref _bytes, 0);
            if (coherent is true) _coherent = true;
        }
        finally
        {
            for (var i = Stripes - 1; i >= 0; i--) Monitor.Exit(_locks[i]);
        }
    }

    /// <summary>CLOCK: walks the entries from where it stopped; a referenced one loses its mark, an unreferenced one goes.</summary>
    private void Evict()
    {
        // one evictor at a time; the others go on, the bound is restored by whoever holds the hand
        if (!Monitor.TryEnter(_evictLock)) return;
        try
        {
            var target = MaxBytes - MaxBytes / 10; // a little below the bound, so that eviction runs in batches
            var steps = 2L * _entries.Count + 16; // two turns clear every mark: then something unreferenced is found
            while (Bytes > target && steps-- > 0)
            {
                _hand ??= _entries.GetEnumerator();
                if (!_hand.MoveNext())
                {
                    _hand.Dispose();
                    _hand = null;
                    continue;
                }
                var (key, entry) = _hand.Current;
                if (entry.Referenced)
                {
                    entry.Referenced = false;
                    continue;
                }
                lock (_locks[key.Stripe(Stripes - 1)])
                    if (_entries.TryRemove(KeyValuePair.Create(key, entry))) Interlocked.Add(ref _bytes, -entry.Size);
            }
        }
        finally
        {
            Monitor.Exit(_evictLock);
        }
    }
}
