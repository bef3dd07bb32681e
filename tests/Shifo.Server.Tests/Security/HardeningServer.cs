using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Shifo.Server.Hosting;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Tokens;

namespace Shifo.Server.Tests.Security;

/// <summary>
/// A real Shifo server on a fresh SQLite file with the settings a hardening test needs (rate limits, CORS origins,
/// HTTPS endpoints, log levels). <paramref name="beforeStart"/> is the test hook that sees the built application
/// before it listens (e.g. to add a logger provider).
/// </summary>
public sealed class HardeningServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public string Directory { get; }
    public string SqlitePath => Path.Combine(Directory, "shifo.db");
    public IReadOnlyList<string> Urls { get; private set; } = [];
    public string BaseUrl => Urls.First(u => u.StartsWith("http://", StringComparison.Ordinal));
    public HttpClient Client { get; private set; } = null!;
    public IServiceProvider Services => _app.Services;

    private HardeningServer(string directory, WebApplication app)
    {
        Directory = directory;
        _app = app;
    }

    public static async Task<HardeningServer> StartAsync(IDictionary<string, string?>? settings = null, Action<WebApplication>? beforeStart = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("shifo-harden-").FullName;
        var all = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Store:Provider"] = "sqlite",
            ["Store:SqlitePath"] = Path.Combine(directory, "shifo.db"),
            // these tests are about the HTTP hardening, not about tokens (a test may turn security on)
            ["Security:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        WebApplication app;
        try
        {
            app = ShifoServer.Build([], all);
            beforeStart?.Invoke(app);
            await app.StartAsync();
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
        var server = new HardeningServer(directory, app) { Urls = app.Urls.Select(u => u.TrimEnd('/')).ToList() };
        server.Client = server.NewClient();
        return server;
    }

    public HttpClient NewClient(HttpMessageHandler? handler = null, string? baseUrl = null)
    {
        var client = handler is null ? new HttpClient() : new HttpClient(handler);
        client.BaseAddress = new Uri((baseUrl ?? BaseUrl) + "/");
        client.Timeout = TimeSpan.FromSeconds(60);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return client;
    }

    /// <summary>A real access token of this server for a system client.</summary>
    public async Task<string> TokenAsync(string clientId)
    {
        var issuer = _app.Services.GetRequiredService<AccessTokenIssuer>();
        var issued = await issuer.IssueAsync(new AccessTokenRequest { Subject = clientId, ClientId = clientId, Role = AccessRole.System, Scope = "system/*.rs" },
            BaseUrl, CancellationToken.None);
        return issued.Token;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
