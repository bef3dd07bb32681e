namespace Shifo.Storage.Jobs;

/// <summary>
/// What an import batch commits besides its resources, in the same transaction: the position reached (input lines
/// done), the running counts per type (JSON) and the outcomes of the batch's failed lines. A crash therefore
/// either loses the whole batch with its position, or keeps both: resuming never writes a resource twice.
/// </summary>
public sealed record ImportCheckpoint(string JobId, long Position, string Counts, IReadOnlyList<(long Line, string Outcome)> Errors, string? Progress);
