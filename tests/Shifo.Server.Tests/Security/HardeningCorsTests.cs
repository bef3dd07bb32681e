using System.Net;
using Shifo.Server.Security.Hardening;

namespace Shifo.Server.Tests.Security;

/// <summary>CORS from Security:Cors:AllowedOrigins: none by default, named origins with credentials, "*" without.</summary>
public sealed class HardeningCorsTests
{
    private const string Portal = "https://portal.example.uz";

    [Fact]
    public async Task Without_configured_origins_no_cors_header_is_sent()
    {
        await using var server = await HardeningServer.StartAsync();
        var preflight = await server.Client.SendAsync(Preflight("fhir/Patient", Portal, "GET", "authorization"));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Headers"));
        var get = await server.Client.SendAsync(WithOrigin(HttpMethod.Get, "fhir/metadata", Portal));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.False(get.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Named_origins_get_preflight_answers_and_exposed_headers_with_credentials_others_nothing()
    {
        await using var server = await HardeningServer.StartAsync(new Dictionary<string, string?>
        {
            // two origins in one value, the way one environment variable gives them
            ["Security:Cors:AllowedOrigins:0"] = Portal + ", https://pharmacy.example.uz",
        });

        var preflight = await server.Client.SendAsync(Preflight("fhir/Patient/1", "https://pharmacy.example.uz", "PUT",
            "authorization,content-type,if-match,if-none-exist,prefer,x-break-glass-reason"));
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal("https://pharmacy.example.uz", Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(preflight, "Access-Control-Allow-Credentials"));
        var allowed = Header(preflight, "Access-Control-Allow-Headers")!.Split(',').Select(h => h.Trim().ToLowerInvariant()).ToHashSet();
        foreach (var h in new[] { "authorization", "content-type", "if-match", "if-none-exist", "prefer", "x-break-glass-reason" })
            Assert.Contains(h, allowed);
        Assert.Contains("PUT", Header(preflight, "Access-Control-Allow-Methods")!);

        var create = WithOrigin(HttpMethod.Post, "fhir/Patient", Portal);
        create.Content = new StringContent("""{"resourceType":"Patient"}""", System.Text.Encoding.UTF8, "application/fhir+json");
        var created = await server.Client.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(Portal, Header(created, "Access-Control-Allow-Origin"));
        var exposed = Header(created, "Access-Control-Expose-Headers")!.Split(',').Select(h => h.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var h in new[] { "Location", "ETag", "Content-Location", "Last-Modified" })
            Assert.Contains(h, exposed);

        // an origin not in the list: the browser gets no permission, for preflights and requests alike
        var foreignPreflight = await server.Client.SendAsync(Preflight("fhir/Patient", "https://evil.example", "GET", "authorization"));
        Assert.False(foreignPreflight.Headers.Contains("Access-Control-Allow-Origin"));
        var foreign = await server.Client.SendAsync(WithOrigin(HttpMethod.Get, "fhir/metadata", "https://evil.example"));
        Assert.False(foreign.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Any_origin_is_allowed_without_credentials()
    {
        await using var server = await HardeningServer.StartAsync(new Dictionary<string, string?> { ["Security:Cors:AllowedOrigins:0"] = "*" });
        var preflight = await server.Client.SendAsync(Preflight("fhir/Patient", "https://anywhere.example", "GET", "authorization"));
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal("*", Header(preflight, "Access-Control-Allow-Origin"));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Credentials"));
        var get = await server.Client.SendAsync(WithOrigin(HttpMethod.Get, "fhir/metadata", "https://anywhere.example"));
        Assert.Equal("*", Header(get, "Access-Control-Allow-Origin"));
        Assert.False(get.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("*, https://portal.example.uz")]
    [InlineData("https://portal.example.uz/fhir")]
    [InlineData("portal.example.uz")]
    [InlineData("ftp://portal.example.uz")]
    public void Misconfigured_origins_stop_the_start(string origins)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => CorsSetup.Origins(new CorsSettings { AllowedOrigins = [origins] }));
        Assert.Contains("Security:Cors:AllowedOrigins", ex.Message);
    }

    private static HttpRequestMessage Preflight(string path, string origin, string method, string headers)
    {
        var request = WithOrigin(HttpMethod.Options, path, origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static HttpRequestMessage WithOrigin(HttpMethod method, string path, string origin)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Origin", origin);
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
