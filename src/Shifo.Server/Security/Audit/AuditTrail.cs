using Shifo.Fhir.Model;
using Shifo.Server.Security.Access;

namespace Shifo.Server.Security.Audit;

/// <summary>
/// Shifo's audit trail: reads, searches and refusals are queued for <see cref="AuditWriter"/> (the AuditEvent is
/// built and stored off the request path); a write's AuditEvent is built here for the caller's own transaction.
/// </summary>
public sealed class AuditTrail(AuditQueue queue, AuditEventBuilder builder, AuditWriter writer, TimeProvider time) : IAuditTrail
{
    public void Record(AccessContext access, AuditRecord record)
    {
        var pending = Pending(access, record);
        var queued = queue.EnqueueAsync(pending);
        // the common case returns at once; a full queue blocks this request until the writer makes room
        var late = queued.IsCompletedSuccessfully ? queued.Result : queued.AsTask().GetAwaiter().GetResult();
        if (late is not null) writer.StoreLateAsync(late).GetAwaiter().GetResult();
    }

    public async ValueTask RecordAsync(AccessContext access, AuditRecord record)
    {
        var pending = Pending(access, record);
        if (await queue.EnqueueAsync(pending) is { } late) await writer.StoreLateAsync(late);
    }

    public ElementNode ForWrite(AccessContext access, AuditRecord record) =>
        builder.Build(AuditEventBuilder.NewId(), time.GetUtcNow(), access, record);

    private PendingAudit Pending(AccessContext access, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(record);
        return new PendingAudit(access, record, time.GetUtcNow());
    }
}
