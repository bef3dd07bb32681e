using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Shifo.Server.Security.Audit;
using Shifo.Server.Tests.Fixtures;
using Shifo.Storage;
using static Shifo.Server.Tests.Security.AuditSamples;

namespace Shifo.Server.Tests.Security;

/// <summary>The background writer on its own, over a running server's real store: retries, give-ups, back-pressure.</summary>
public abstract class AuditWriterTests(ServerFixture server)
{
    private static string NewPatient() => "pat-" + Guid.NewGuid().ToString("N")[..16];

    private static (AuditQueue Queue, AuditWriter Writer, AuditTrail Trail) Pipeline(IResourceStore store, int capacity = 1000, int maxAttempts = 8, bool combineReads = false)
    {
        var options = Options.Create(new AuditOptions { QueueCapacity = capacity, MaxAttempts = maxAttempts, FlushInterval = TimeSpan.FromMilliseconds(50), CombineReads = combineReads });
        var queue = new AuditQueue(options);
        var builder = new AuditEventBuilder(new AuditNode("test-node"));
        var writer = new AuditWriter(queue, builder, store, options, NullLogger<AuditWriter>.Instance);
        return (queue, writer, new AuditTrail(queue, builder, writer, TimeProvider.System));
    }

    [Fact]
    public async Task A_failing_batch_is_retried_until_stored()
    {
        var flaky = new AuditFlakyStore(server.Store, failures: 3);
        var (_, writer, trail) = Pipeline(flaky);
        await writer.StartAsync(CancellationToken.None);
        var patient = NewPatient();
        for (var i = 0; i < 20; i++) trail.Record(Practitioner(), ReadRecord(patient, $"Observation/o{i}"));
        await AuditSearch.WaitForAsync(server.Client, $"AuditEvent?patient=Patient/{patient}", 20);
        await writer.StopAsync(CancellationToken.None);
        Assert.True(flaky.Calls > 3);
        Assert.Equal(20, writer.Stored);
        Assert.Equal(0, writer.Lost);
    }

    [Fact]
    public async Task What_can_never_be_stored_is_counted_and_the_writer_goes_on()
    {
        var (_, writer, trail) = Pipeline(new AuditFlakyStore(server.Store, failures: int.MaxValue), maxAttempts: 2);
        await writer.StartAsync(CancellationToken.None);
        var patient = NewPatient();
        for (var i = 0; i < 5; i++) trail.Record(Practitioner(), ReadRecord(patient, $"Observation/o{i}"));
        await writer.StopAsync(CancellationToken.None);
        Assert.Equal(5, writer.Lost);
        Assert.Equal(0, writer.Stored);
        Assert.Equal(0, await AuditSearch.CountAsync(server.Client, $"AuditEvent?patient=Patient/{patient}"));
    }

    [Fact]
    public async Task A_full_queue_makes_the_request_wait_and_drops_nothing()
    {
        var (queue, writer, trail) = Pipeline(server.Store, capacity: 3);
        var patient = NewPatient();
        for (var i = 0; i < 3; i++) trail.Record(Practitioner(), ReadRecord(patient, $"Observation/o{i}"));
        Assert.Equal(3, queue.Depth);

        var blocked = Task.Run(() => trail.Record(Practitioner(), ReadRecord(patient, "Observation/o3")));
        var blockedAsync = trail.RecordAsync(Practitioner(), ReadRecord(patient, "Observation/o4")).AsTask();
        await Task.Delay(500);
        Assert.False(blocked.IsCompleted);
        Assert.False(blockedAsync.IsCompleted);
        Assert.Equal(3, queue.Depth);

        // the writer makes room: both waiting requests go through, and all five events are stored
        await writer.StartAsync(CancellationToken.None);
        await blocked.WaitAsync(TimeSpan.FromSeconds(10));
        await blockedAsync.WaitAsync(TimeSpan.FromSeconds(10));
        await AuditSearch.WaitForAsync(server.Client, $"AuditEvent?patient=Patient/{patient}", 5);
        await writer.StopAsync(CancellationToken.None);
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public async Task Repeated_reads_join_their_queued_entry_and_take_no_room()
    {
        var (queue, writer, trail) = Pipeline(server.Store, capacity: 3, combineReads: true);
        var patient = NewPatient();
        var other = NewPatient();
        // a thousand reads of one patient by one caller wait as one entry: a queue of three never fills
        for (var i = 0; i < 1000; i++) trail.Record(Practitioner(), ReadRecord(patient, $"Observation/o{i % 7}"));
        trail.Record(Practitioner(), ReadRecord(other, "Observation/x"));
        trail.Record(Practitioner(), ReadRecord(patient, "Observation/refused") with { Denied = "no care relationship" });
        Assert.Equal(3, queue.Depth);

        await writer.StartAsync(CancellationToken.None);
        await AuditSearch.WaitForAsync(server.Client, $"AuditEvent?patient=Patient/{other}", 1);
        // the entry taken by the writer is closed: later reads start a new one
        trail.Record(Practitioner(), ReadRecord(patient, "Observation/after"));
        await writer.StopAsync(CancellationToken.None);

        var events = await AuditSearch.WaitForAsync(server.Client, $"AuditEvent?patient=Patient/{patient}", 3);
        Assert.Equal(3, events.Count);
        var combined = events.Single(e => Accesses(e) == "1000");
        Assert.Equal(7, combined["entity"]!.AsArray().Count(e => (string?)e!["role"]!["code"] == "4"));
        Assert.Single(events, e => (string?)e["outcome"] == "4");
        Assert.Single(events, e => Accesses(e) is null or "1" && (string?)e["outcome"] == "0");
        Assert.Equal(0, queue.Depth);
    }

    private static string? Accesses(System.Text.Json.Nodes.JsonNode auditEvent) =>
        auditEvent["entity"]!.AsArray().Where(e => (string?)e!["role"]!["code"] == "1")
            .SelectMany(e => e!["detail"]?.AsArray() ?? []).Where(d => (string?)d!["type"] == "accesses")
            .Select(d => (string?)d!["valueString"]).FirstOrDefault();

    [Fact]
    public async Task A_record_after_shutdown_is_stored_directly()
    {
        var (_, writer, trail) = Pipeline(server.Store);
        await writer.StartAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);
        var patient = NewPatient();
        trail.Record(Practitioner(), ReadRecord(patient, "Observation/late"));
        Assert.Equal(1, await AuditSearch.CountAsync(server.Client, $"AuditEvent?patient=Patient/{patient}"));
    }
}

public sealed class SqliteAuditWriterTests(SqliteAuditFixture server) : AuditWriterTests(server), IClassFixture<SqliteAuditFixture>;

public sealed class PostgresAuditWriterTests(PostgresAuditFixture server) : AuditWriterTests(server), IClassFixture<PostgresAuditFixture>;
