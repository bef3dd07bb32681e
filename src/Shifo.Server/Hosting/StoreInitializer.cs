using Shifo.Storage;

namespace Shifo.Server.Hosting;

/// <summary>Creates or migrates the schema before the server takes requests.</summary>
public sealed class StoreInitializer(IResourceStore store, ILogger<StoreInitializer> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await store.InitializeAsync(ct);
        log.LogInformation("Store ready: {Kind} at {Location}", store.Kind, store.Location);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
