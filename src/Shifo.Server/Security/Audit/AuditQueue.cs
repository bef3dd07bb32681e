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
/// </summary>
public sealed class AuditQueue
{
    private readonly Channel<PendingAudit> _channel;

    public AuditQueue(IOptions<AuditOptions> options) : this(options.Value.QueueCapacity) { }

    public AuditQueue(int capacity)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), "Security:Audit:QueueCapacity must be at least 1.");
        _channel = Channel.CreateBounded<PendingAudit>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Records waiting to be stored (an operator's measure: /healthz shows it).</summary>
    public int Depth => _channel.Reader.Count;

    public ChannelReader<PendingAudit> Reader => _channel.Reader;

    /// <summary>Queues the record, waiting for room while the queue is full. False once the queue is closed (shutdown).</summary>
    public async ValueTask<bool> EnqueueAsync(PendingAudit item)
    {
        if (_channel.Writer.TryWrite(item)) return true;
        while (await _channel.Writer.WaitToWriteAsync())
            if (_channel.Writer.TryWrite(item)) return true;
        return false;
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
}
