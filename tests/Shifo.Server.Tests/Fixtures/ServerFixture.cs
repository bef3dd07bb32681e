using System.Data.Common;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Shifo.Server.Hosting;
using Shifo.Server.Security.Enforcement;
using Shifo.Storage;
using Shifo.Storage.Relational;

namespace Shifo.Server.Tests.Fixtures;

/// <summary>
/// A real Shifo server (Kestrel on a free loopback port) over one store. Subclasses say which store; tests talk
/// HTTP to it and may look into the database (index tables) through <see cref="QueryScalarAsync"/>.
/// </summary>
public abstract class ServerFixture : IAsyncLifetime
{
    /// <summary>Request bodies above this get 413 in the tests (the default is much larger).</summary>
    public const int MaxBodyBytes = 512 * 1024;

    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public string Fhir => BaseUrl + "/fhir";
    public abstract string StoreKind { get; }
    /// <summary>The real store (no request, so not the guarded view requests get).</summary>
    public IResourceStore Store => _app!.Services.GetRequiredService<TrustedStore>().Store;

    /// <summary>The running application's services (tokens are minted through its AccessTokenIssuer).</summary>
    public IServiceProvider Services => _app!.Services;

    /// <summary>Security on or off for this server; off keeps the FHIR-behaviour tests free of tokens.</summary>
    protected virtual bool SecurityEnabled => false;

    /// <summary>Service overrides for subclasses (e.g. a recording audit trail).</summary>
    protected virtual void ConfigureServices(IServiceCollection services) { }

    protected abstract Task<IDictionary<string, string?>> StoreSettingsAsync();

    /// <summary>The configuration the server was started with, to start another server on the same database.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        var settings = await StoreSettingsAsync();
        settings["Urls"] = "http://127.0.0.1:0";
        settings["Server:MaxBodyBytes"] = MaxBodyBytes.ToString();
        settings["Logging:LogLevel:Default"] = "Warning";
        // a subclass's store settings may already say (the audit fixtures do)
        settings.TryAdd("Security:Enabled", SecurityEnabled ? "true" : "false");
        // FHIR-behaviour suites send bursts far above a client's default rate; the limits have tests of their own
        settings["Security:RateLimit:Enabled"] = "false";
        Settings = new Dictionary<string, string?>(settings);
        _app = ShifoServer.Build([], settings, ConfigureServices);
        await _app.StartAsync();
        BaseUrl = _app.Urls.First().TrimEnd('/');
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
    }

    /// <summary>Runs a read-only SQL query with parameters against the server's own database.</summary>
    public async Task<long> QueryScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        var dialect = ((RelationalResourceStore)Store).Dialect;
        await using var connection = await dialect.OpenAsync(CancellationToken.None);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            DbParameter p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public virtual async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>The server on a fresh SQLite file in a temporary folder.</summary>
public class SqliteServerFixture : ServerFixture
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "shifo-sqlite-" + Guid.NewGuid().ToString("N")[..12]);

    public override string StoreKind => "SQLite";

    protected override Task<IDictionary<string, string?>> StoreSettingsAsync() =>
        Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>
        {
            ["Store:Provider"] = "sqlite",
            ["Store:SqlitePath"] = Path.Combine(_dir, "data", "shifo.db"),
        });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The server on a throwaway PostgreSQL cluster of its own.</summary>
public class PostgresServerFixture : ServerFixture
{
    private PostgresCluster? _cluster;

    public override string StoreKind => "PostgreSQL";

    protected override async Task<IDictionary<string, string?>> StoreSettingsAsync()
    {
        _cluster = await PostgresCluster.StartAsync();
        await _cluster.CreateDatabaseAsync("shifo");
        return new Dictionary<string, string?>
        {
            ["Store:Provider"] = "postgres",
            ["Store:PostgresConnectionString"] = _cluster.ConnectionString("shifo"),
        };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
