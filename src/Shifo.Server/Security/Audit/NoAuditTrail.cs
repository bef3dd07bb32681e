using Shifo.Fhir.Model;
using Shifo.Server.Security.Access;

namespace Shifo.Server.Security.Audit;

// TEMPORARY: lets enforcement be built while the audit trail is written in parallel; the audit work deletes this file.
internal sealed class NoAuditTrail : IAuditTrail
{
    public void Record(AccessContext access, AuditRecord record) { }

    public ElementNode ForWrite(AccessContext access, AuditRecord record) =>
        throw new NotSupportedException("The audit trail is not wired yet.");
}
