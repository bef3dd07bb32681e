using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;
using Shifo.Storage.Indexing;
using Shifo.Storage.Jobs;
using Shifo.Storage.Model;

namespace Shifo.Storage.Relational;

/// <summary>
/// Bulk import: a batch of resources written under the ids they carry (update-as-create), together with the
/// job's checkpoint, in one transaction.
/// </summary>
public sealed partial class RelationalResourceStore
{
    /// <summary>Writes the batch and its checkpoint whole; false (nothing written) when the job no longer exists.</summary>
    internal async Task<bool> ImportBatchAsync(IReadOnlyList<ElementNode> resources, ImportCheckpoint checkpoint, CancellationToken ct)
    {
        await using var connection = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(connection, ct);
        var updated = await JobStore.ExecuteAsync(connection, tx,
            "UPDATE bulk_job SET position = @p, counts = @c, progress = @g WHERE job_id = @id", ct,
            ("@p", checkpoint.Position), ("@c", checkpoint.Counts), ("@g", checkpoint.Progress), ("@id", checkpoint.JobId));
        if (updated == 0)
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        foreach (var resource in resources)
        {
            var type = resource.TypeName;
            var id = resource.Child("id")?.Value ?? throw new ArgumentException($"An imported {type} has no id.", nameof(resources));
            (long Version, long Updated)? current = null;
            await using (var select = Command(connection, tx, dialect.SelectCurrentForWrite, ("@t", type), ("@i", id)))
            await using (var reader = await select.ExecuteReaderAsync(ct))
            {
                if (await reader.ReadAsync(ct)) current = (reader.GetInt64(0), reader.GetInt64(1));
            }
            var version = (current?.Version ?? 0) + 1;
            var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            if (current is not null && now <= current.Value.Updated) now = current.Value.Updated + 1;
            ResourceStamp.Apply(resource, id, version, DateTimeOffset.FromUnixTimeMilliseconds(now));
            var json = FhirJsonWriter.ToUtf8(resource);
            var change = current is null ? ChangeKind.Create : ChangeKind.Update;
            await Execute(connection, tx, dialect.InsertVersion, ct, ("@t", type), ("@i", id), ("@v", version), ("@u", now), ("@c", (int)change), ("@j", json));
            if (current is not null)
                await Execute(connection, tx, dialect.SupersedeVersion, ct, ("@t", type), ("@i", id), ("@v", current.Value.Version), ("@u", now));
            await Execute(connection, tx, dialect.UpsertCurrent, ct, ("@t", type), ("@i", id), ("@v", version), ("@u", now), ("@d", false));
            await ReplaceIndexRowsAsync(connection, tx, type, id, version, indexer.Extract(resource), deleteOld: current is not null, ct);
        }
        foreach (var (line, outcome) in checkpoint.Errors)
            await JobStore.ExecuteAsync(connection, tx, "INSERT INTO bulk_job_error (job_id, line, outcome) VALUES (@id, @l, @o)", ct,
                ("@id", checkpoint.JobId), ("@l", line), ("@o", outcome));
        await tx.CommitAsync(ct);
        return true;
    }
}
