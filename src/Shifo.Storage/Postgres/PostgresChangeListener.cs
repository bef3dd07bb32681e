using Npgsql;
using Shifo.Storage.Caching;

namespace Shifo.Storage.Postgres;

/// <summary>
/// Keeps a node's <see cref="ReadCache"/> coherent with the other nodes' writes: LISTENs on the change channel over
/// a dedicated connection and drops what they changed. The cache serves only while this listener is connected:
/// it is emptied and put in use after LISTEN succeeds, and suspended the moment the connection fails (a NOTIFY
/// sent meanwhile is lost for good), until the next connection.
/// </summary>
public sealed class PostgresChangeListener(string connectionString, ReadCache cache, TimeSpan reconnectDelay)
{
    /// <summary>Without traffic the connection is checked this often, so that a silently dead one is noticed.</summary>
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(5);

    /// <summary>The application_name of the listening connection, followed by the node id (visible in pg_stat_activity).</summary>
    public const string ApplicationNamePrefix = "shifo-read-cache-";

    /// <summary>Told when the connection failed or could not be made (the cache is suspended already), once per outage.</summary>
    public event Action<Exception>? ConnectionLost;

    private bool _reportNext = true;

    public async Task RunAsync(CancellationToken ct)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ApplicationName = ApplicationNamePrefix + cache.NodeId, // one per node, within the 63 characters allowed
            CommandTimeout = (int)PingInterval.TotalSeconds,
            TcpKeepAlive = true,
        };
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(settings.ConnectionString, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                cache.Suspend();
                // told once per outage, not on every failed reconnect while the database is away
                if (_reportNext) ConnectionLost?.Invoke(ex);
                _reportNext = false;
            }
            finally
            {
                cache.Suspend();
            }
            try
            {
                await Task.Delay(reconnectDelay, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task ListenAsync(string settings, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(settings);
        // notifications arrive on the connection's reader, during WaitAsync or the ping alike
        connection.Notification += (_, e) =>
        {
            if (e.Channel == ChangeMessages.Channel) ChangeMessages.Apply(cache, e.Payload);
        };
        await connection.OpenAsync(ct);
        await using (var listen = new NpgsqlCommand("LISTEN " + ChangeMessages.Channel, connection))
            await listen.ExecuteNonQueryAsync(ct);
        // changes committed before LISTEN took effect were never heard: start from nothing
        cache.Resume();
        _reportNext = true;
        while (true)
        {
            if (await connection.WaitAsync(PingInterval, ct)) continue;
            await using var ping = new NpgsqlCommand("SELECT 1", connection);
            await ping.ExecuteScalarAsync(ct);
        }
    }
}
