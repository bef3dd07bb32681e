using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Shifo.Server.Security.Access;

namespace Shifo.Server.Security.Audit;

/// <summary>
/// An access reported but not stored yet; the AuditEvent (and its id, fixed before the first try to store it) is built
/// by the writer, off the request path — most records are combined into another's event and never need one.
/// </summary>
public sealed record PendingAudit(AccessContext Access, AuditRecord Record, DateTimeOffset Recorded);

/// <summary>
/// The bounded queue between requests and <see cref="AuditWriter"/>. A full queue makes the reporting request wait:
/// an audit record is never dropped to keep a request fast.
/// With <see cref="AuditOptions.CombineReads"/>, a repeated allowed read joins the queued entry of the same caller,
/// patient and interaction (<see cref="AuditAggregation"/>) instead of taking a place of its own, until the writer
/// takes that entry: a clinician's thousand reads of one record between two flushes are one entry, not a thousand
/// objects kept alive for seconds (which the garbage collector would have to promote and copy).
/// </summary>
public sealed class AuditQueue
{
    private readonly Channel<Entry> _channel;
    private readonly bool _combine;
    // the queued entries that later reads of the same key may still join
    private readonly ConcurrentDictionary<AuditAggregation.GroupKey, Entry> _open = new();

    public AuditQueue(IOptions<AuditOptions> options) : this(options.Value.QueueCapacity, options.Value.CombineReads) { }

    public AuditQueue(int capacity, bool combineReads = true)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), "Security:Audit:QueueCapacity must be at least 1.");
        _combine = combineReads;
        _channel = Channel.CreateBounded<Entry>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Entries waiting to be stored, each one AuditEvent at most (an operator's measure: /healthz shows it).</summary>
    public int Depth => _channel.Reader.Count;

    /// <summary>Completes when an entry can be taken (true) or the queue is closed and empty (false).</summary>
    public ValueTask<bool> WaitToReadAsync() => _channel.Reader.WaitToReadAsync();

    /// <summary>Takes the oldest entry; from then on no record joins it.</summary>
    public bool TryTake([NotNullWhen(true)] out PendingAudit? pending)
    {
        if (!_channel.Reader.TryRead(out var entry))
        {
            pending = null;
            return false;
        }
        pending = entry.Take();
        if (entry.Key is { } key) _open.TryRemove(new KeyValuePair<AuditAggregation.GroupKey, Entry>(key, entry));
        return true;
    }

    /// <summary>
    /// Queues the record (or joins it to a queued one), waiting for room while the queue is full. Returns null when
    /// queued; once the queue is closed (shutdown), what it did not take: the record, with any that joined it meanwhile.
    /// </summary>
    public async ValueTask<PendingAudit?> EnqueueAsync(PendingAudit item)
    {
        if (IsClosed) return item;
        Entry entry;
        if (_combine && AuditAggregation.KeyOf(item) is { } key)
        {
            if (_open.TryGetValue(key, out var open) && open.TryJoin(item)) return null;
            entry = new Entry(item, key);
            // two first reads at once may both queue an entry: the writer's own combining joins them again
            _open[key] = entry;
        }
        else entry = new Entry(item, null);
        if (_channel.Writer.TryWrite(entry)) return null;
        while (await _channel.Writer.WaitToWriteAsync())
            if (_channel.Writer.TryWrite(entry)) return null;
        if (entry.Key is { } k) _open.TryRemove(new KeyValuePair<AuditAggregation.GroupKey, Entry>(k, entry));
        return entry.Take();
    }

    /// <summary>Whether <see cref="Close"/> was called: the writer stops lingering and stores what is left.</summary>
    public bool IsClosed => Volatile.Read(ref _closed);

    private bool _closed;

    /// <summary>Takes no more records: the writer stores what is queued and stops.</summary>
    public void Close()
    {
        Volatile.Write(ref _closed, true);
        _channel.Writer.TryComplete();
    }

    /// <summary>One queued record, or (with a key) the group of combinable records that joined it while it waited.</summary>
    private sealed class Entry(PendingAudit first, AuditAggregation.GroupKey? key)
    {
        private readonly AuditAggregation.Group _group = new(first);
        private bool _taken;

        public AuditAggregation.GroupKey? Key => key;

        public bool TryJoin(PendingAudit pending)
        {
            lock (_group)
            {
                if (_taken) return false;
                _group.Add(pending);
                return true;
            }
        }

        public PendingAudit Take()
        {
            lock (_group)
            {
                _taken = true;
                return _group.Result();
            }
        }
    }
}
