using System.Net;

namespace Shifo.Server.Tests.Security;

/// <summary>
/// Kestrel's request limits as Shifo configures them (Server:MaxRequestLineBytes 16 KiB, MaxRequestHeadersBytes
/// 32 KiB, MaxRequestHeaderCount 64): an oversized URL gets 414, oversized or too many headers 431 — refused by
/// Kestrel, never a 500 — and the server goes on serving. The sizes just under the limits pass, which Kestrel's own
/// defaults (8 KiB request line, 100 headers) would not show.
/// </summary>
public sealed class HardeningRequestLimitsTests : IAsyncLifetime
{
    private HardeningServer _server = null!;

    public async Task InitializeAsync() => _server = await HardeningServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_oversized_url_gets_414_and_a_long_search_under_the_limit_is_served()
    {
        // above Kestrel's default of 8 KiB, below Shifo's 16 KiB: a search with many OR'd values still works
        var longSearch = "fhir/Patient?_id=" + string.Join(",", Enumerable.Range(0, 800).Select(i => $"{i:D12}"));
        Assert.InRange(longSearch.Length, 9 * 1024, 15 * 1024);
        var served = await _server.Client.GetAsync(longSearch);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);

        var tooLong = await _server.Client.GetAsync("fhir/Patient?name=" + new string('a', 17 * 1024));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, tooLong.StatusCode);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task An_oversized_header_gets_431()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "fhir/metadata");
        request.Headers.Add("X-Padding", new string('a', 33 * 1024));
        var response = await _server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Too_many_headers_get_431_and_a_few_less_pass()
    {
        Assert.Equal(HttpStatusCode.OK, (await _server.Client.SendAsync(WithHeaders(50))).StatusCode);
        var response = await _server.Client.SendAsync(WithHeaders(70));
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        await AssertStillServingAsync();
    }

    private static HttpRequestMessage WithHeaders(int count)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "fhir/metadata");
        for (var i = 0; i < count; i++) request.Headers.Add($"X-Extra-{i}", "1");
        return request;
    }

    private async Task AssertStillServingAsync()
    {
        using var fresh = _server.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("fhir/metadata")).StatusCode);
    }
}
