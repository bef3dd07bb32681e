using Microsoft.Extensions.DependencyInjection;
using Shifo.Server.Hosting;
using Shifo.Server.Security.Audit;
using Shifo.Server.Tests.Conformance;
using static Shifo.Server.Tests.Security.AuditSamples;

namespace Shifo.Server.Tests.Security;

/// <summary>Stopping the server stores every queued audit event: a new server on the same SQLite file finds them.</summary>
public sealed class AuditShutdownTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "shifo-audit-" + Guid.NewGuid().ToString("N")[..12]);

    private Microsoft.AspNetCore.Builder.WebApplication Build(string flushInterval) => ShifoServer.Build([], new Dictionary<string, string?>
    {
        ["Urls"] = "http://127.0.0.1:0",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Store:Provider"] = "sqlite",
        ["Store:SqlitePath"] = Path.Combine(_dir, "shifo.db"),
        ["Security:Enabled"] = "false",
        ["Security:Audit:FlushInterval"] = flushInterval,
        ["Security:Audit:CombineReads"] = "false",
    });

    [Fact]
    public async Task Stopping_drains_the_queue_into_the_store()
    {
        var patient = "pat-" + Guid.NewGuid().ToString("N")[..16];
        const int count = 300;
        // a long flush interval: nothing is stored before the stop, so only draining can store them
        var first = Build("00:01:00");
        await first.StartAsync();
        var trail = first.Services.GetRequiredService<IAuditTrail>();
        for (var i = 0; i < count; i++) trail.Record(Practitioner(), ReadRecord(patient, $"Observation/o{i}"));
        Assert.Equal(0, first.Services.GetRequiredService<AuditWriter>().Stored);
        await first.StopAsync();
        await first.DisposeAsync();

        var second = Build("00:00:00.2");
        await second.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(second.Urls.First().TrimEnd('/') + "/") };
            Assert.Equal(count, await AuditSearch.CountAsync(client, $"AuditEvent?patient=Patient/{patient}"));
        }
        finally
        {
            await second.StopAsync();
            await second.DisposeAsync();
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
