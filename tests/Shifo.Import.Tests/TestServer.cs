using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Shifo.Server.Hosting;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Tokens;

namespace Shifo.Import.Tests;

/// <summary>A real Shifo server (Kestrel on a free loopback port) over the given store settings, to import into or to check a store through.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    public HttpClient Client { get; }
    public string Fhir { get; }

    private TestServer(WebApplication app, string baseUrl)
    {
        _app = app;
        Fhir = baseUrl + "/fhir";
        Client = new HttpClient { BaseAddress = new Uri(Fhir + "/"), Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
    }

    public static async Task<TestServer> StartAsync(IDictionary<string, string?> store, params string[] args)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Security:Enabled"] = "false",
            // an import sends bursts of batches; the rate limits have tests of their own
            ["Security:RateLimit:Enabled"] = "false",
        };
        foreach (var (key, value) in store) settings[key] = value;
        var app = ShifoServer.Build(args, settings);
        await app.StartAsync();
        return new TestServer(app, app.Urls.First().TrimEnd('/'));
    }

    public static Dictionary<string, string?> Sqlite(string file) => new() { ["Store:Provider"] = "sqlite", ["Store:SqlitePath"] = file };
    public static Dictionary<string, string?> Postgres(string connection) => new() { ["Store:Provider"] = "postgres", ["Store:PostgresConnectionString"] = connection };

    /// <summary>An access token of this server for a backend system with the given scopes.</summary>
    public async Task<string> SystemTokenAsync(string scope)
    {
        var issuer = _app.Services.GetRequiredService<AccessTokenIssuer>();
        var issued = await issuer.IssueAsync(new AccessTokenRequest { Subject = "import-test", ClientId = "import-test", Role = AccessRole.System, Scope = scope },
            Fhir[..^"/fhir".Length], CancellationToken.None);
        return issued.Token;
    }

    /// <summary>How many resources a search finds (Bundle.total of _summary=count).</summary>
    public async Task<long> CountAsync(string typeAndQuery)
    {
        var separator = typeAndQuery.Contains('?') ? '&' : '?';
        var json = await Client.GetStringAsync($"{typeAndQuery}{separator}_summary=count");
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("total").GetInt64();
    }

    /// <summary>Checks the store holds exactly the expected count of every type, and finds the patient by PINFL.</summary>
    public async Task AssertLoadedAsync(SynthSample sample)
    {
        foreach (var (type, expected) in sample.Expected) Assert.Equal((type, expected), (type, await CountAsync(type)));
        Assert.Equal(1, await CountAsync($"Patient?identifier={Uri.EscapeDataString(Shifo.Synth.ShifoSystems.Pinfl + "|" + sample.FirstPinfl())}"));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
