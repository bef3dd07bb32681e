using Microsoft.Extensions.Options;
using Shifo.Fhir.Validation;
using Shifo.Import;
using Shifo.Server.Security.Enforcement;
using Shifo.Storage;
using Shifo.Storage.Model;
using Shifo.Synth;
using Shifo.Synth.Writers;

namespace Shifo.Server.Hosting;

/// <summary>
/// With the demo option on and an empty store, generates a small synthetic region (Shifo.Synth, in memory) and
/// loads it the way `shifo import --store` does: validated, indexed, in bulk. A store holding anything at all
/// (even deleted resources' history) is left alone. Runs after <see cref="StoreInitializer"/>, before requests.
/// </summary>
public sealed class DemoLoader(TrustedStore trusted, FhirValidator validator, IOptions<DemoOptions> options, DemoStatus status, ILogger<DemoLoader> log)
    : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var store = trusted.Store;
        var demo = options.Value;
        if (!demo.Enabled) return;
        var history = await store.HistoryAsync(new HistoryQuery { Count = 1 }, ct);
        if (history.Entries.Count > 0)
        {
            log.LogInformation("Demo data not loaded: the store already holds data");
            return;
        }

        var generator = new SynthGenerator(new SynthOptions { Seed = demo.Seed, Region = demo.Region, Patients = demo.Patients });
        var files = new Dictionary<string, MemoryStream>(StringComparer.Ordinal);
        using (var sink = new NdjsonSink(name => files[name] = new MemoryStream()))
            generator.Run(sink, cancel: ct);

        var report = new ImportReport();
        var importer = new StoreImporter(store, validator, report, batchSize: 1000);
        foreach (var (name, stream) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            await importer.ImportNdjsonAsync(name, new MemoryStream(stream.ToArray()), ct);
        await importer.FlushAsync(ct);
        report.Stop();

        status.Loaded = true;
        status.Patients = report.Loaded.GetValueOrDefault("Patient");
        status.Resources = report.TotalLoaded;
        if (report.Failures.Count > 0)
            log.LogWarning("Demo data: {Failed} resources failed to load, e.g. {File}:{Line}: {Message}",
                report.TotalFailed, report.Failures[0].File, report.Failures[0].Line, report.Failures[0].Message);
        log.LogInformation("Demo data loaded: {Patients} patients of {Region}, {Resources} resources in {Seconds:0.0} s",
            status.Patients, demo.Region, status.Resources, report.Elapsed.TotalSeconds);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
