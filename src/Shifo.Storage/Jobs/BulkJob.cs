namespace Shifo.Storage.Jobs;

/// <summary>Where a bulk job stands; Queued and Running jobs are picked up (again) by the runner at start-up.</summary>
public static class JobStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static bool IsUnfinished(string status) => status is Queued or Running;
}

/// <summary>
/// One bulk job as stored. Spec is the job's parameters as JSON (the server's business); Position is how far an
/// import got (input lines committed); Counts is JSON of resources written per type; Manifest is the finished
/// job's answer (or the OperationOutcome of a failed one).
/// </summary>
public sealed record BulkJob(
    string Id,
    string Kind,
    string Status,
    string Request,
    string Spec,
    DateTimeOffset CreatedAt,
    DateTimeOffset TransactionTime,
    string? Progress,
    long Position,
    string? Counts,
    string? Manifest);
