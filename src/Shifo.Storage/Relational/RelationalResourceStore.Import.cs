using System.Data.Common;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;
using Shifo.Storage.Indexing;
using Shifo.Storage.Jobs;
using Shifo.Storage.Model;
using Shifo.Storage.Search;
using Shifo.Storage.Search.Paging;

namespace Shifo.Storage.Relational;

/// <summary>
/// Bulk import: a batch of resources written under the ids they carry (update-as-create), together with the
/// job's checkpoint, in one transaction. Resources new to the store go in together (binary COPY on PostgreSQL); ids that exist
/// (or repeat within the batch) become new versions one by one, in line order.
/// </summary>
public sealed partial class RelationalResourceStore
{
    private sealed record Prepared(ElementNode Resource, string Type, string Id, byte[] Json, IReadOnlyList<IndexRow> Rows);

    /// <summary>
    /// Writes the batch and its checkpoint whole; false (nothing written) when the job no longer exists, or when the
    /// batch before it (<see cref="ImportOrder"/>) did not commit. The work overlaps that batch's; the commit follows it.
    /// </summary>
    internal async Task<bool> ImportBatchAsync(IReadOnlyList<ElementNode> resources, ImportCheckpoint checkpoint, ImportOrder order, CancellationToken ct)
    {
        try
        {
            return await ImportBatchInOrderAsync(resources, checkpoint, order, ct);
        }
        finally
        {
            order.Started.TrySetResult(); // failed before taking its lock: the next batch need not wait for it
        }
    }

    private async Task<bool> ImportBatchInOrderAsync(IReadOnlyList<ElementNode> resources, ImportCheckpoint checkpoint, ImportOrder order, CancellationToken ct)
    {
        // stamping, serializing and index extraction happen before the transaction opens: it stays short
        var now = SnapshotFence.WriteTime(_clock);
        var prepared = new List<Prepared>(resources.Count);
        foreach (var resource in resources)
        {
            var id = resource.Child("id")?.Value ?? throw new ArgumentException($"An imported {resource.TypeName} has no id.", nameof(resources));
            ResourceStamp.Apply(resource, id, 1, DateTimeOffset.FromUnixTimeMilliseconds(now));
            prepared.Add(new Prepared(resource, resource.TypeName, id, FhirJsonWriter.ToUtf8(resource), indexer.Extract(resource)));
        }

        await using var connection = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(connection, ct);
        await LockKeyAsync(connection, tx, order.Key, ct);
        order.Started.TrySetResult();
        var existing = await ExistingAsync(connection, tx, prepared, ct);
        var fresh = new List<StoredResource>();
        var freshRows = new List<(StoredResource, IndexRow)>();
        var again = new List<Prepared>();
        var taken = new HashSet<(string, string)>();
        foreach (var p in prepared)
        {
            if (existing.Contains((p.Type, p.Id)) || !taken.Add((p.Type, p.Id)))
            {
                again.Add(p);
                continue;
            }
            var s = new StoredResource(p.Type, p.Id, 1, DateTimeOffset.FromUnixTimeMilliseconds(now), ChangeKind.Create, p.Json);
            fresh.Add(s);
            foreach (var row in p.Rows) freshRows.Add((s, row));
        }
        await BatchInsert.WriteAsync(dialect, connection, tx, fresh, freshRows, ct);
        foreach (var p in again) await WriteNextVersionAsync(connection, tx, p, now, ct);

        foreach (var (line, outcome) in checkpoint.Errors)
            await JobStore.ExecuteAsync(connection, tx, "INSERT INTO bulk_job_error (job_id, line, outcome) VALUES (@id, @l, @o)", ct,
                ("@id", checkpoint.JobId), ("@l", line), ("@o", outcome));
        // batches commit in line order, so that every committed checkpoint covers every line before it; the job's row
        // is updated last, since its lock would otherwise hold this batch until the one before had committed. The
        // wait is on the lock the batch before holds to its end, a wait the database sees; once it is granted, that
        // batch's transaction is over and its outcome follows at once
        if (order.After is { } before)
        {
            await LockKeyAsync(connection, tx, before.Key, ct);
            if (!await before.Committed)
            {
                await tx.RollbackAsync(ct);
                return false;
            }
        }
        var updated = await JobStore.ExecuteAsync(connection, tx,
            "UPDATE bulk_job SET position = @p, counts = @c, progress = @g WHERE job_id = @id", ct,
            ("@p", checkpoint.Position), ("@c", checkpoint.Counts), ("@g", checkpoint.Progress), ("@id", checkpoint.JobId));
        if (updated == 0)
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        // every line of an id the store had (or the batch wrote already) made a version after the first
        await CommitAnnouncedAsync(connection, tx, again.Select(p => (p.Type, p.Id)).ToHashSet(), ct);
        return true;
    }

    /// <summary>Which (type, id) of the batch the store has already, deleted or not.</summary>
    private static async Task<HashSet<(string, string)>> ExistingAsync(DbConnection connection, DbTransaction tx, List<Prepared> batch, CancellationToken ct)
    {
        var found = new HashSet<(string, string)>();
        foreach (var byType in batch.GroupBy(p => p.Type))
            foreach (var chunk in byType.Select(p => p.Id).Distinct().Chunk(500))
            {
                var ps = new SqlParameters();
                var sql = $"SELECT res_id FROM resource WHERE res_type = {ps.Add(byType.Key)} AND res_id IN ({string.Join(", ", chunk.Select(ps.Add))})";
                await using var cmd = Command(connection, tx, sql, []);
                foreach (var (name, value) in ps.Values) AddParameter(cmd, name, value);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) found.Add((byType.Key, reader.GetString(0)));
            }
        return found;
    }

    /// <summary>An id the store has (or that the batch wrote already): the line becomes its next version.</summary>
    private async Task WriteNextVersionAsync(DbConnection connection, DbTransaction tx, Prepared p, long now, CancellationToken ct)
    {
        (long Version, long Updated, bool Deleted) current;
        await using (var select = Command(connection, tx, dialect.SelectCurrentForWrite, ("@t", p.Type), ("@i", p.Id)))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("An imported resource vanished within its transaction.");
            current = (reader.GetInt64(0), reader.GetInt64(1), reader.GetBoolean(2));
        }
        var version = current.Version + 1;
        if (now <= current.Updated) now = current.Updated + 1;
        ResourceStamp.Apply(p.Resource, p.Id, version, DateTimeOffset.FromUnixTimeMilliseconds(now));
        var json = FhirJsonWriter.ToUtf8(p.Resource);
        var change = current.Deleted ? ChangeKind.Create : ChangeKind.Update;
        await Execute(connection, tx, dialect.InsertVersion, ct, ("@t", p.Type), ("@i", p.Id), ("@v", version), ("@u", now), ("@c", (int)change), ("@j", json));
        await Execute(connection, tx, dialect.SupersedeVersion, ct, ("@t", p.Type), ("@i", p.Id), ("@v", current.Version), ("@u", now));
        await Execute(connection, tx, dialect.UpsertCurrent, ct, ("@t", p.Type), ("@i", p.Id), ("@v", version), ("@u", now), ("@d", false));
        // the index rows do not depend on the version stamp: the ones extracted before the transaction hold
        await ReplaceIndexRowsAsync(connection, tx, p.Type, p.Id, version, p.Rows, deleteOld: true, ct);
    }
}
