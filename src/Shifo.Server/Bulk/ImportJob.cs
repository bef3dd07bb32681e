using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Shifo.Fhir.Model;
using Shifo.Fhir.Outcomes;
using Shifo.Fhir.Validation;
using Shifo.Storage.Jobs;

namespace Shifo.Server.Bulk;

/// <summary>
/// Runs one $import: reads the NDJSON inputs line by line, validates each resource, and commits batches of lines
/// (the valid resources, the outcomes of the invalid ones and the position reached) in one transaction each. After
/// a restart it skips the lines already committed, so nothing is written twice and nothing half.
/// </summary>
public sealed class ImportJob(JobStore jobs, FhirValidator validator, BulkFolders folders, BulkOptions options,
    Microsoft.Extensions.Options.IOptions<Security.SecurityOptions> security)
{
    public async Task RunAsync(BulkJob job, CancellationToken ct)
    {
        var spec = BulkSpec.Parse(job.Spec);
        var counts = job.Counts is null ? new SortedDictionary<string, long>(StringComparer.Ordinal)
            : JsonSerializer.Deserialize<SortedDictionary<string, long>>(job.Counts) ?? new(StringComparer.Ordinal);
        if (!await jobs.UpdateAsync(job.Id, JobStatus.Running, $"{job.Position} lines done", null, ct)) return;

        // reading and validating the next batch overlaps the database work of the ones before. Where the database
        // takes concurrent writers, two batches are written at a time, each on its own connection (one backend alone
        // cannot keep up with the validation); they share no resource, and still commit one at a time and in line
        // order, so the checkpoint of each commit is exact and a restart resumes after the last one committed
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ready = Channel.CreateBounded<Batch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(() => ReadAsync(spec, job.Position, ready.Writer, stop.Token), stop.Token);
        var completed = true;
        var running = new List<RunningBatch>();
        try
        {
            await foreach (var batch in ready.Reader.ReadAllAsync(ct))
            {
                var resources = ResourcesOf(batch);
                // a batch writing a resource of the one still running waits for it: the two would contend for its rows
                if (running.Count > 0 && (!jobs.ImportBatchesOverlap || running[^1].Resources.Overlaps(resources)) && !await FinishAsync(running))
                {
                    completed = false;
                    break;
                }
                var before = running.Count > 0 ? running[^1] : null;
                var order = new ImportOrder($"import {job.Id} {batch.Position}", before is null ? null : new(before.Order.Key, before.Commit));
                var commit = CommitAsync(job, batch, counts, order, stop.Token);
                running.Add(new RunningBatch(commit, resources, order));
                // the next batch starts once this one holds its lock (or has ended), so that its wait for this one is on that lock
                await Task.WhenAny(order.Started.Task, commit);
                // two at a time: the older one ends before the next batch is taken
                if (running.Count < 2 || await OldestCommittedAsync(running)) continue;
                completed = false;
                break;
            }
            if (completed && !await FinishAsync(running)) completed = false;
        }
        finally
        {
            // the job is gone or a commit failed: the reader stops at its next line (or its next batch), and a batch
            // still running rolls back, since the one before it did not commit; the first failure is the one reported
            await stop.CancelAsync();
            try { await reading; }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            foreach (var (commit, _, _) in running)
                try { await commit; }
                catch (Exception) { } // cancelled, or the failure of the batch before it again
        }
        if (!completed) return;

        var errorCount = await jobs.ErrorCountAsync(job.Id, ct);
        if (!await jobs.UpdateAsync(job.Id, JobStatus.Completed, "complete", Manifest(job, spec, counts, errorCount), ct))
            folders.DeleteJob(job.Id);
    }

    /// <summary>The lines of one import transaction: the valid resources, the outcomes of the others, the line reached.</summary>
    private sealed record Batch(List<ElementNode> Resources, List<(long, string)> Errors, long Position);

    /// <summary>A batch being written: whether it committed, once it has ended, the (type, id) of its resources, its order.</summary>
    private sealed record RunningBatch(Task<bool> Commit, HashSet<(string, string)> Resources, ImportOrder Order);

    /// <summary>Reads and validates the inputs after line <paramref name="position"/>, handing on a batch every ImportBatchSize lines (and the last, even empty, so the position reaches the end).</summary>
    private async Task ReadAsync(BulkSpec spec, long position, ChannelWriter<Batch> ready, CancellationToken ct)
    {
        try
        {
            long line = 0; // over all inputs, 1-based once read
            var batch = new Batch([], [], 0);
            foreach (var input in spec.Inputs ?? [])
            {
                using var reader = new StreamReader(input.Path, Encoding.UTF8);
                long lineInInput = 0;
                while (await reader.ReadLineAsync(ct) is { } text)
                {
                    line++;
                    lineInInput++;
                    if (line <= position) continue; // committed before a restart
                    if (!string.IsNullOrWhiteSpace(text))
                    {
                        var (resource, problem) = Check(text, input.Type);
                        if (resource is not null) batch.Resources.Add(resource);
                        else batch.Errors.Add((line, Outcome(input, lineInInput, problem!)));
                    }
                    if (line - position >= options.ImportBatchSize)
                    {
                        await ready.WriteAsync(batch with { Position = line }, ct);
                        batch = new Batch([], [], 0);
                        position = line;
                    }
                }
            }
            await ready.WriteAsync(batch with { Position = line }, ct);
            ready.Complete();
        }
        catch (Exception ex)
        {
            ready.Complete(ex);
            throw;
        }
    }

    /// <summary>Waits for the running batches in line order; false as soon as one did not commit (the ones after it roll back).</summary>
    private static async Task<bool> FinishAsync(List<RunningBatch> running)
    {
        while (running.Count > 0)
            if (!await OldestCommittedAsync(running)) return false;
        return true;
    }

    /// <summary>Takes the oldest running batch off the list and waits for it: whether it committed.</summary>
    private static async Task<bool> OldestCommittedAsync(List<RunningBatch> running)
    {
        var oldest = running[0];
        running.RemoveAt(0);
        return await oldest.Commit;
    }

    /// <summary>The resources a batch writes; one without an id gets a new one here, which no other batch shares.</summary>
    private static HashSet<(string, string)> ResourcesOf(Batch batch)
    {
        var resources = new HashSet<(string, string)>();
        foreach (var r in batch.Resources)
        {
            if (r.Child("id")?.Value is null) ResourceIdOf(r);
            resources.Add((r.TypeName, r.Child("id")!.Value!));
        }
        return resources;
    }

    /// <summary>
    /// Commits a batch after the one before it, if that one is still running (<paramref name="order"/>). The counts and the
    /// checkpoint are taken before its first wait, so in line order, each counting every line up to its own.
    /// </summary>
    private async Task<bool> CommitAsync(BulkJob job, Batch batch, SortedDictionary<string, long> counts, ImportOrder order, CancellationToken ct)
    {
        foreach (var r in batch.Resources) counts[r.TypeName] = counts.GetValueOrDefault(r.TypeName) + 1;
        var checkpoint = new ImportCheckpoint(job.Id, batch.Position, JsonSerializer.Serialize(counts), [.. batch.Errors], $"{batch.Position} lines done");
        var ok = await jobs.CommitImportBatchAsync(batch.Resources, checkpoint, order, ct);
        if (!ok) folders.DeleteJob(job.Id);
        return ok;
    }

    /// <summary>A resource without an id gets a new one (the store keeps the ids it is given: update-as-create).</summary>
    private static void ResourceIdOf(ElementNode resource) =>
        Shifo.Storage.Model.ResourceStamp.Apply(resource, Guid.CreateVersion7().ToString(), 1, DateTimeOffset.UtcNow);

    private (ElementNode? Resource, IReadOnlyList<Issue>? Problem) Check(string text, string? expectedType)
    {
        var result = validator.Validate(Encoding.UTF8.GetBytes(text));
        if (result.Resource is null)
            return (null, result.Issues.Count > 0 ? result.Issues : [Issue.Error("structure", null, "The line is not a FHIR resource.")]);
        if (expectedType is not null && result.Resource.TypeName != expectedType)
            return (null, [Issue.Error("invalid", null, $"The line holds a {result.Resource.TypeName}, but the input is for {expectedType}.")]);
        if (!result.IsValid) return (null, result.Issues);
        var id = result.Resource.Child("id")?.Value;
        if (id is not null && !Pipeline.ResourceIdentity.IsValidId(id))
            return (null, [Issue.Error("value", "id", "The resource's id is not a valid FHIR id.")]);
        return (result.Resource, null);
    }

    /// <summary>The OperationOutcome of a failed line: where it was first, then what was wrong (never the line's content).</summary>
    private static string Outcome(ImportInput input, long lineInInput, IReadOnlyList<Issue> issues) =>
        OperationOutcome.ToJson([Issue.Error("processing", null, $"Line {lineInInput} of {input.Url} was not imported."),
            .. issues.Where(i => i.IsError)]);

    private string Manifest(BulkJob job, BulkSpec spec, SortedDictionary<string, long> counts, long errorCount)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("transactionTime", ExportJob.Instant(job.TransactionTime));
            w.WriteString("request", job.Request);
            w.WriteBoolean("requiresAccessToken", security.Value.Enabled);
            w.WriteStartArray("output");
            foreach (var (type, count) in counts)
            {
                w.WriteStartObject();
                w.WriteString("type", type);
                w.WriteNumber("count", count);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("error");
            if (errorCount > 0)
            {
                w.WriteStartObject();
                w.WriteString("type", "OperationOutcome");
                w.WriteString("url", $"{spec.BaseUrl}/$bulk-file/{job.Id}/errors.ndjson");
                w.WriteNumber("count", errorCount);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
