using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Shifo.Server.Hosting;
using Shifo.Server.Security.Enforcement;
using Shifo.Server.Tests.Fixtures;
using Shifo.Storage;
using Shifo.Storage.Caching;
using Shifo.Storage.Relational;

namespace Shifo.Server.Tests.Storage;

/// <summary>
/// Two Shifo nodes (A: the fixture's own server, B: <see cref="Other"/>) on one PostgreSQL database, each with its
/// read cache and change listener; started once both caches are in use.
/// </summary>
public sealed class TwoNodeFixture : PostgresServerFixture
{
    private WebApplication? _other;

    /// <summary>Long enough for a test to see the listener down before it reconnects.</summary>
    public static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(1500);

    public HttpClient OtherClient { get; private set; } = null!;
    public IResourceStore OtherStore => _other!.Services.GetRequiredService<TrustedStore>().Store;
    public ReadCache Cache => ((RelationalResourceStore)Store).ReadCache!;
    public ReadCache OtherCache => ((RelationalResourceStore)OtherStore).ReadCache!;

    protected override async Task<IDictionary<string, string?>> StoreSettingsAsync()
    {
        var settings = await base.StoreSettingsAsync();
        settings["Store:ReadCache:ReconnectDelayMilliseconds"] = ((int)ReconnectDelay.TotalMilliseconds).ToString();
        return settings;
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _other = ShifoServer.Build([], new Dictionary<string, string?>(Settings));
        await _other.StartAsync();
        OtherClient = new HttpClient { BaseAddress = new Uri(_other.Urls.First().TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
        OtherClient.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        await WaitUntilAsync(() => Cache.IsCoherent && OtherCache.IsCoherent, TimeSpan.FromSeconds(10));
    }

    public override async Task DisposeAsync()
    {
        OtherClient?.Dispose();
        if (_other is not null)
        {
            await _other.StopAsync();
            await _other.DisposeAsync();
        }
        await base.DisposeAsync();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; false when <paramref name="limit"/> passed first.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(5);
        }
        return true;
    }
}
