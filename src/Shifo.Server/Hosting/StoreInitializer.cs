using Shifo.Server.Security.Enforcement;

namespace Shifo.Server.Hosting;

/// <summary>Creates or migrates the schema before the server takes requests.</summary>
public sealed class StoreInitializer(TrustedStore trusted, ILogger<StoreInitializer> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var store = trusted.Store;
        await store.InitializeAsync(ct);
        log.LogInformation("Store ready: {Kind} at {Location}", store.Kind, store.Location);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
