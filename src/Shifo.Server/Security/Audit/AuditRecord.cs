namespace Shifo.Server.Security.Audit;

/// <summary>
/// The DICOM/FHIR audit action: create, read (incl. vread), update, delete, execute (operations). Searches are
/// recorded as execute whatever is given here, as BALP's Query pattern has it.
/// </summary>
public enum AuditAction
{
    Create,
    Read,
    Update,
    Delete,
    Execute,
}

/// <summary>
/// One access to patient data (or an attempt refused), as the enforcement step reports it: the caller comes with it
/// as an <see cref="Access.AccessContext"/>. Values are never logged; they go into the AuditEvent only.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>The FHIR restful-interaction code: read, vread, history-instance, history-type, history-system, search-type, search-system, create, update, patch, delete, operation, transaction, batch.</summary>
    public required string Interaction { get; init; }

    public required AuditAction Action { get; init; }

    /// <summary>The resource acted on ("Observation/12"), if one.</summary>
    public string? What { get; init; }

    /// <summary>The patient whose data it is (id), if any; an access touching several patients gives one record each (BALP).</summary>
    public string? Patient { get; init; }

    /// <summary>The search or operation query as received (stored in the AuditEvent, never logged).</summary>
    public string? Query { get; init; }

    /// <summary>The operation's name ($everything, $export), for operations.</summary>
    public string? Operation { get; init; }

    /// <summary>Whether the access was allowed only by breaking the glass.</summary>
    public bool Emergency { get; init; }

    /// <summary>Null when allowed; else why it was refused (no patient data in it).</summary>
    public string? Denied { get; init; }

    /// <summary>When the access began (the request's arrival), for AuditEvent.period; null: the time it is recorded.</summary>
    public DateTimeOffset? Started { get; init; }

    /// <summary>Further resources acted on, when repeated accesses are recorded as one event (see <see cref="AuditAggregation"/>).</summary>
    public IReadOnlyList<string> MoreWhat { get; init; } = [];

    /// <summary>How many accesses this record stands for (1, or more when repeated accesses were combined).</summary>
    public int Accesses { get; init; } = 1;
}
