using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Audit;
using Shifo.Server.Security.Enforcement;
using Shifo.Server.Security.Hardening;
using Shifo.Server.Security.Tokens;

namespace Shifo.ServerBench;

/// <summary>
/// The security steps of one read timed one by one on the running secured server's own services (the ledger's second
/// half): wall time and bytes allocated per call on this thread, best of several repetitions (the best is what the
/// machine's load disturbs least). The audit writer's per-event cost (build + store) is per event, not per request:
/// a flush stores one event per (caller, patient, interaction), so its share of a read is that cost × events ÷ reads.
/// </summary>
public static class SecurityStages
{
    public static async Task<string> MeasureAsync(WebApplication secured, string baseUrl, string token, string patientId, string observationId)
    {
        var services = secured.Services;
        var text = new StringBuilder();
        text.AppendLine("| step | ns per call (best of 5) | bytes per call |");
        text.AppendLine("|---|---:|---:|");
        void Row(string name, (double Ns, double Bytes) r) =>
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {r.Ns:N0} | {r.Bytes:N0} |");

        var header = "Bearer " + token;
        var validator = services.GetRequiredService<AccessTokenValidator>();
        var access = (await validator.ValidateAsync(token, baseUrl, CancellationToken.None)).Access!;
        Row("token: cached validation from the header", Time(20_000, () => validator.ValidateAsync(header.AsMemory(7), baseUrl, CancellationToken.None).GetAwaiter().GetResult()));

        var context = new DefaultHttpContext();
        context.Request.Path = "/fhir/Patient/" + patientId;
        context.Request.Headers.Authorization = header;
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        Row("rate limiter: partition key (client_id from the token)", Time(20_000, () => ClientPartitionKey.For(context)));
        var limiter = services.GetRequiredService<IOptions<RateLimiterOptions>>().Value.GlobalLimiter!;
        Row("rate limiter: acquire + release a permit", Time(20_000, () => limiter.AttemptAcquire(context).Dispose()));

        var trusted = services.GetRequiredService<TrustedStore>().Store;
        var compartment = services.GetRequiredService<PatientCompartment>();
        var observation = (await trusted.ReadAsync("Observation", observationId))!;
        Row("compartment: whose Observation (remembered)", Time(20_000, () => compartment.PatientsOf(observation)));
        var patients = services.GetRequiredService<PatientAccess>();
        Row("patient access: System (remembered)", Time(20_000, () => patients.DecideAsync(access, patientId, "Observation", false, CancellationToken.None).GetAwaiter().GetResult()));

        // a queue nobody reads: what recording costs the request, then what combining costs the writer
        var queue = new AuditQueue(1_000_000, combineReads: false);
        var trail = new AuditTrail(queue, services.GetRequiredService<AuditEventBuilder>(), services.GetRequiredService<AuditWriter>(), TimeProvider.System);
        var n = 0;
        Row("audit: record a read (request path)", Time(20_000, () => trail.Record(access, new AuditRecord
        {
            Interaction = "read", Action = AuditAction.Read, What = "Observation/" + (n++ % 1500), Patient = "p" + (n % 300),
        })));
        var pending = new List<PendingAudit>();
        while (queue.TryTake(out var item)) pending.Add(item);
        var chunk = pending.Take(20_000).ToList();
        var combine = Time(1, () => AuditAggregation.Combine(chunk));
        Row("audit: combine, per record (writer)", (combine.Ns / chunk.Count, combine.Bytes / chunk.Count));

        var builder = services.GetRequiredService<AuditEventBuilder>();
        var combined = AuditAggregation.Combine(chunk);
        Row("audit: build one event (writer)", Time(200, () => builder.Build(AuditEventBuilder.NewId(), DateTimeOffset.UtcNow, access, combined[0].Record)));
        // fresh events for each batch: an AuditEvent is stored once
        List<Shifo.Fhir.Model.ElementNode> Events() =>
            Enumerable.Range(0, 300).Select(_ => builder.Build(AuditEventBuilder.NewId(), DateTimeOffset.UtcNow, access, combined[0].Record)).ToList();
        await trusted.CreateBatchAsync(Events()); // JIT
        var best = double.MaxValue;
        for (var r = 0; r < 3; r++)
        {
            var batch = Events();
            var watch = Stopwatch.StartNew();
            await trusted.CreateBatchAsync(batch);
            best = Math.Min(best, watch.Elapsed.TotalNanoseconds / batch.Count);
        }
        Row("audit: store one event, in a batch of 300 (writer)", (best, double.NaN));
        return text.ToString();
    }

    private static (double Ns, double Bytes) Time(int iterations, Func<object?> step, int repetitions = 5)
    {
        step(); // JIT
        var best = double.MaxValue;
        var bytes = 0.0;
        for (var r = 0; r < repetitions; r++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < iterations; i++) step();
            watch.Stop();
            best = Math.Min(best, watch.Elapsed.TotalNanoseconds / iterations);
            bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / iterations;
        }
        return (best, bytes);
    }

    private static (double Ns, double Bytes) Time(int iterations, Action step, int repetitions = 5) =>
        Time(iterations, () => { step(); return null; }, repetitions);
}
