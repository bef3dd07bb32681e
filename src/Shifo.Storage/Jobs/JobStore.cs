using System.Data.Common;
using Shifo.Storage.Relational;

namespace Shifo.Storage.Jobs;

/// <summary>Reads and writes bulk job rows in the store's own database; all SQL is parameterized.</summary>
public sealed class JobStore(IResourceStore store)
{
    private readonly SqlDialect _dialect = (store as RelationalResourceStore ?? throw new ArgumentException("Bulk jobs need a relational store.", nameof(store))).Dialect;

    private const string Columns = "job_id, kind, status, request, spec, created_at, transaction_time, progress, position, counts, manifest";

    public async Task CreateAsync(BulkJob job, CancellationToken ct)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        await using var tx = await _dialect.BeginWriteAsync(connection, ct);
        await ExecuteAsync(connection, tx, $"INSERT INTO bulk_job ({Columns}) VALUES (@id, @k, @s, @r, @spec, @c, @tt, @p, @pos, @counts, @m)", ct,
            ("@id", job.Id), ("@k", job.Kind), ("@s", job.Status), ("@r", job.Request), ("@spec", job.Spec),
            ("@c", job.CreatedAt.ToUnixTimeMilliseconds()), ("@tt", job.TransactionTime.ToUnixTimeMilliseconds()),
            ("@p", job.Progress), ("@pos", job.Position), ("@counts", job.Counts), ("@m", job.Manifest));
        await tx.CommitAsync(ct);
    }

    public async Task<BulkJob?> GetAsync(string id, CancellationToken ct)
    {
        var jobs = await QueryAsync($"SELECT {Columns} FROM bulk_job WHERE job_id = @id", ct, ("@id", id));
        return jobs.Count == 0 ? null : jobs[0];
    }

    /// <summary>Queued and running jobs, oldest first: the runner's work list, also after a restart.</summary>
    public Task<List<BulkJob>> UnfinishedAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM bulk_job WHERE status IN (@q, @r) ORDER BY created_at, job_id", ct,
            ("@q", JobStatus.Queued), ("@r", JobStatus.Running));

    /// <summary>Sets status, progress and (when given) manifest; false when the job is gone (cancelled).</summary>
    public async Task<bool> UpdateAsync(string id, string status, string? progress, string? manifest, CancellationToken ct)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        await using var tx = await _dialect.BeginWriteAsync(connection, ct);
        var n = await ExecuteAsync(connection, tx, "UPDATE bulk_job SET status = @s, progress = @p, manifest = COALESCE(@m, manifest) WHERE job_id = @id", ct,
            ("@s", status), ("@p", progress), ("@m", manifest), ("@id", id));
        await tx.CommitAsync(ct);
        return n > 0;
    }

    /// <summary>
    /// Commits an import batch with its checkpoint (see <see cref="ImportCheckpoint"/>); false when the job was cancelled.
    /// When the batch before it may still be running (<see cref="ImportOrder"/>), this one does its work meanwhile but
    /// commits only once that one has committed, and not at all when it did not.
    /// </summary>
    public Task<bool> CommitImportBatchAsync(IReadOnlyList<Shifo.Fhir.Model.ElementNode> resources, ImportCheckpoint checkpoint, ImportOrder order,
        CancellationToken ct) =>
        ((RelationalResourceStore)store).ImportBatchAsync(resources, checkpoint, order, ct);

    /// <summary>Whether an import batch can do its work while the one before it is still running (see <see cref="SqlDialect.ConcurrentWriters"/>).</summary>
    public bool ImportBatchesOverlap => _dialect.ConcurrentWriters;

    /// <summary>Removes a job and its errors (cancellation); false when there was no such job.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        await using var tx = await _dialect.BeginWriteAsync(connection, ct);
        await ExecuteAsync(connection, tx, "DELETE FROM bulk_job_error WHERE job_id = @id", ct, ("@id", id));
        var n = await ExecuteAsync(connection, tx, "DELETE FROM bulk_job WHERE job_id = @id", ct, ("@id", id));
        await tx.CommitAsync(ct);
        return n > 0;
    }

    /// <summary>The per-resource outcomes of an import, in line order (each an OperationOutcome JSON).</summary>
    public async IAsyncEnumerable<string> ErrorsAsync(string id, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        await using var cmd = Command(connection, null, "SELECT outcome FROM bulk_job_error WHERE job_id = @id ORDER BY line", ("@id", id));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) yield return reader.GetString(0);
    }

    public async Task<long> ErrorCountAsync(string id, CancellationToken ct)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        await using var cmd = Command(connection, null, "SELECT COUNT(*) FROM bulk_job_error WHERE job_id = @id", ("@id", id));
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
    }

    /// <summary>The resource types that have current resources, for a system-level export of everything.</summary>
    public async Task<List<string>> StoredTypesAsync(CancellationToken ct)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        await using var cmd = Command(connection, null, "SELECT DISTINCT res_type FROM resource WHERE is_deleted = @d ORDER BY res_type", ("@d", false));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var types = new List<string>();
        while (await reader.ReadAsync(ct)) types.Add(reader.GetString(0));
        return types;
    }

    private async Task<List<BulkJob>> QueryAsync(string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        await using var cmd = Command(connection, null, sql, parameters);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var jobs = new List<BulkJob>();
        while (await reader.ReadAsync(ct))
            jobs.Add(new BulkJob(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetInt64(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10)));
        return jobs;
    }

    internal static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) RelationalResourceStore.AddParameter(cmd, name, value);
        return cmd;
    }

    internal static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction tx, string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var cmd = Command(connection, tx, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
