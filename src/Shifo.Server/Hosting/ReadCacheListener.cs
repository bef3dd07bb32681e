using Shifo.Server.Security.Enforcement;
using Shifo.Storage;
using Shifo.Storage.Relational;

namespace Shifo.Server.Hosting;

/// <summary>
/// Runs the store's change listener for as long as the server runs: without it the read cache never serves
/// (see <see cref="Storage.Postgres.PostgresChangeListener"/>). Nothing to do on SQLite or with the cache off.
/// </summary>
public sealed class ReadCacheListener(TrustedStore trusted, StoreOptions options, ILogger<ReadCacheListener> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (trusted.Store is not RelationalResourceStore store) return Task.CompletedTask;
        var delay = TimeSpan.FromMilliseconds(Math.Max(10, options.ReadCache.ReconnectDelayMilliseconds));
        if (store.CreateChangeListener(delay) is not { } listener) return Task.CompletedTask;
        // the exception's type and message only: PostgreSQL's messages carry no row data, and no password is logged
        listener.ConnectionLost += ex => log.LogWarning("Read cache suspended: its change listener lost the database ({Error}: {Message}); reconnecting.",
            ex.GetType().Name, ex.Message);
        return listener.RunAsync(stoppingToken);
    }
}
