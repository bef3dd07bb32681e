namespace Shifo.Server.Security.Audit;

/// <summary>The audit trail's settings, configuration section "Security:Audit" (SHIFO_Security__Audit__QueueCapacity, ...).</summary>
public sealed class AuditOptions
{
    /// <summary>Entries waiting to be stored (with <see cref="CombineReads"/>, repeated reads share one); when full, requests wait for room rather than lose a record.</summary>
    public int QueueCapacity { get; set; } = 50_000;

    /// <summary>
    /// Longest time a record waits in the queue before its batch is stored. Each flush stores one event per (caller,
    /// patient, interaction) it saw, and an event costs about as much as a few hundred reads to build, index and store:
    /// 3 s (not 1 s) makes a clinician's or a system's repeated reads of one patient a third as many events, for
    /// events that are searchable a few seconds after the access rather than one.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Most entries taken from the queue in one flush (and combined once more, see <see cref="CombineReads"/>).</summary>
    public int MaxBatchSize { get; set; } = 20_000;

    /// <summary>Most AuditEvents stored in one database transaction (a flush stores its events in as many as needed).</summary>
    public int MaxEventsPerTransaction { get; set; } = 500;

    /// <summary>Repeated allowed reads of one patient by one caller within a flush become one event, joined as they arrive (<see cref="AuditQueue"/>, <see cref="AuditAggregation"/>); false: one event per access.</summary>
    public bool CombineReads { get; set; } = true;

    /// <summary>Tries of a failing batch (exponential back-off from 100 ms, at most 5 s apart) before its records are tried one by one.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>This node's name in AuditEvent.source and the server agent; empty: the host name.</summary>
    public string NodeId { get; set; } = "";
}
