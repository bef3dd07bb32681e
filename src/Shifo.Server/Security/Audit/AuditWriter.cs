using System.Diagnostics;
using Microsoft.Extensions.Options;
using Shifo.Fhir.Model;
using Shifo.Storage;
using Shifo.Storage.Model;

namespace Shifo.Server.Security.Audit;

/// <summary>
/// Stores queued AuditEvents in batches with the store's bulk create (never an update: events are immutable), at
/// most <see cref="AuditOptions.FlushInterval"/> after they were queued. A failing batch is retried with back-off,
/// then its events one by one; only what still fails is given up, and then only the COUNT is logged (an event holds
/// patient data). Stopping drains the queue; if the host's stop timeout ends first, the count left is logged.
/// </summary>
public sealed class AuditWriter(AuditQueue queue, AuditEventBuilder builder, IResourceStore store, IOptions<AuditOptions> options,
    ILogger<AuditWriter> log) : IHostedService
{
    private readonly AuditOptions _options = Checked(options.Value);
    /// <summary>How often a lingering flush looks whether a full batch is queued or the queue closed.</summary>
    private static readonly TimeSpan LingerStep = TimeSpan.FromMilliseconds(50);

    private readonly CancellationTokenSource _abandon = new();
    private Task? _loop;

    /// <summary>Events stored since start (for tests and operators).</summary>
    public long Stored => Interlocked.Read(ref _stored);

    /// <summary>Events given up after every retry.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    private long _stored;
    private long _lost;

    public Task StartAsync(CancellationToken ct)
    {
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        queue.Close();
        if (_loop is null) return;
        // the host's stop timeout: past it, no more retries; each batch left gets one try and what fails is counted as lost
        await using var registration = ct.Register(() => _abandon.Cancel());
        await _loop;
    }

    /// <summary>Stores an event reported after the queue closed (a request finishing during shutdown), at once.</summary>
    public async Task StoreLateAsync(PendingAudit pending) => await StoreAsync([pending]);

    private async Task RunAsync()
    {
        var batch = new List<PendingAudit>(_options.MaxBatchSize);
        try
        {
            while (await queue.WaitToReadAsync())
            {
                await LingerAsync();
                while (batch.Count < _options.MaxBatchSize && queue.TryTake(out var item)) batch.Add(item);
                await StoreAsync(batch);
                batch.Clear();
            }
        }
        catch (Exception ex)
        {
            // not expected (StoreAsync catches store failures); the queue must not silently stop
            log.LogCritical("The audit writer stopped unexpectedly ({Error}); {Count} queued audit events are not stored.", ex.GetType().Name, batch.Count + queue.Depth);
            throw;
        }
    }

    /// <summary>
    /// Waits up to the flush interval for a batch to fill, checking on a timer: waiting on the channel instead would
    /// wake this loop for every record queued (thousands a second under load), and the wake-ups cost more than the
    /// records. Ends early when a full batch is queued, at shutdown, or when told to abandon.
    /// </summary>
    private async Task LingerAsync()
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.FlushInterval.TotalSeconds * Stopwatch.Frequency);
        while (queue.Depth < _options.MaxBatchSize && !queue.IsClosed && !_abandon.IsCancellationRequested)
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero) return;
            try { await Task.Delay(left < LingerStep ? left : LingerStep, _abandon.Token); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task StoreAsync(IReadOnlyList<PendingAudit> records)
    {
        if (records.Count == 0) return;
        var batch = _options.CombineReads ? AuditAggregation.Combine(records) : records;
        var nodes = new List<ElementNode>(batch.Count);
        var unbuildable = 0;
        foreach (var pending in batch)
        {
            try { nodes.Add(builder.Build(AuditEventBuilder.NewId(), pending.Recorded, pending.Access, pending.Record)); }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException) { unbuildable++; }
        }
        if (unbuildable > 0) GiveUp(unbuildable, "could not be built");
        // short transactions: a flush's events would otherwise hold SQLite's write lock for long
        foreach (var chunk in nodes.Chunk(_options.MaxEventsPerTransaction)) await StoreChunkAsync(chunk);
    }

    private async Task StoreChunkAsync(IReadOnlyList<ElementNode> nodes)
    {
        if (await TryCreateAsync(nodes, _options.MaxAttempts)) return;
        // one event may be what fails the batch: the others still get stored
        var failed = 0;
        foreach (var node in nodes)
            if (_abandon.IsCancellationRequested || !await TryCreateAsync([node], 2)) failed++;
        if (failed > 0) GiveUp(failed, "could not be stored");
    }

    /// <returns>True when the events are stored (by this call or by an earlier try whose answer was lost).</returns>
    private async Task<bool> TryCreateAsync(IReadOnlyList<ElementNode> nodes, int attempts)
    {
        if (nodes.Count == 0) return true;
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.CreateBatchAsync(nodes, CancellationToken.None);
                Interlocked.Add(ref _stored, nodes.Count);
                return true;
            }
            catch (ConcurrentWriteException) when (attempt > 1 && nodes.Count == 1)
            {
                // the ids are fixed when the events are built, before the first try: an earlier try committed, only its answer was lost
                Interlocked.Add(ref _stored, 1);
                return true;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (attempt >= attempts || _abandon.IsCancellationRequested) return false;
                log.LogWarning("Storing {Count} audit events failed ({Error}); retrying.", nodes.Count, ex.GetType().Name);
                try { await Task.Delay(delay, _abandon.Token); }
                catch (OperationCanceledException) { return false; }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private static AuditOptions Checked(AuditOptions o)
    {
        if (o.MaxBatchSize < 1) throw new InvalidOperationException("Security:Audit:MaxBatchSize must be at least 1.");
        if (o.MaxEventsPerTransaction < 1) throw new InvalidOperationException("Security:Audit:MaxEventsPerTransaction must be at least 1.");
        if (o.MaxAttempts < 1) throw new InvalidOperationException("Security:Audit:MaxAttempts must be at least 1.");
        if (o.FlushInterval < TimeSpan.Zero) throw new InvalidOperationException("Security:Audit:FlushInterval must not be negative.");
        return o;
    }

    private void GiveUp(int count, string why)
    {
        Interlocked.Add(ref _lost, count);
        log.LogError("{Count} audit events {Why} and are lost.", count, why);
    }
}
