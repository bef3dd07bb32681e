using Shifo.Fhir.Model;
using Shifo.Server.Security.Access;

namespace Shifo.Server.Security.Audit;

/// <summary>
/// Where enforcement reports every access to patient data. Reads, searches and refusals are recorded off the
/// request path (soon after the response); a write's AuditEvent is made here and stored by the writer in the same
/// database transaction as the write.
/// </summary>
public interface IAuditTrail
{
    /// <summary>Records a read, search, operation or refused attempt.</summary>
    void Record(AccessContext access, AuditRecord record);

    /// <summary>As <see cref="Record"/>, for async callers: waits for room in a full queue without blocking a thread.</summary>
    ValueTask RecordAsync(AccessContext access, AuditRecord record)
    {
        Record(access, record);
        return ValueTask.CompletedTask;
    }

    /// <summary>The AuditEvent for a write, to be stored in the write's own transaction.</summary>
    ElementNode ForWrite(AccessContext access, AuditRecord record);
}
