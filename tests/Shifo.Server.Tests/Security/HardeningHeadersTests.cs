using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Shifo.Server.Tests.Conformance;

namespace Shifo.Server.Tests.Security;

/// <summary>The security headers on every kind of response, over HTTP and HTTPS (Kestrel:Endpoints from configuration).</summary>
public sealed class HardeningHeadersTests : IAsyncLifetime
{
    private const string CertificatePassword = "test-only";
    private HardeningServer _server = null!;
    private X509Certificate2 _certificate = null!;
    private string _certificateDirectory = "";

    public async Task InitializeAsync()
    {
        var directory = _certificateDirectory = System.IO.Directory.CreateTempSubdirectory("shifo-cert-").FullName;
        _certificate = SelfSignedCertificate();
        var pfx = Path.Combine(directory, "server.pfx");
        await File.WriteAllBytesAsync(pfx, _certificate.Export(X509ContentType.Pfx, CertificatePassword));
        // the way production configures TLS: Kestrel endpoints in configuration (SHIFO_Kestrel__Endpoints__Https__...)
        _server = await HardeningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0",
            ["Kestrel:Endpoints:Https:Certificate:Path"] = pfx,
            ["Kestrel:Endpoints:Https:Certificate:Password"] = CertificatePassword,
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
        System.IO.Directory.Delete(_certificateDirectory, recursive: true);
    }

    [Fact]
    public async Task Fhir_responses_carry_the_security_headers_and_no_store()
    {
        var (created, _) = await _server.Client.SendAsync(HttpMethod.Post, "fhir/Patient", """{"resourceType":"Patient","gender":"female"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var (read, _) = await _server.Client.SendAsync(HttpMethod.Get, created.Headers.Location!.AbsolutePath);
        var (search, _) = await _server.Client.SendAsync(HttpMethod.Get, "fhir/Patient?gender=female");
        foreach (var response in new[] { created, read, search })
        {
            Assert.True(response.IsSuccessStatusCode);
            AssertCommonHeaders(response, "frame-ancestors 'none'");
            Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store on /fhir");
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), "no HSTS over plain HTTP");
            Assert.False(response.Headers.Contains("Server"), "no Server header");
        }
    }

    [Fact]
    public async Task Error_responses_carry_them_too()
    {
        // a refusal thrown as FhirProblem (the error middleware clears the response before writing the outcome), a
        // routing 404, and an invalid resource
        var (missing, missingBody) = await _server.Client.SendAsync(HttpMethod.Get, "fhir/Patient/does-not-exist");
        FhirHttp.AssertOutcome(missing, missingBody, HttpStatusCode.NotFound);
        var (unrouted, _) = await _server.Client.SendAsync(HttpMethod.Get, "fhir/Patient/1/_history/1/extra/segments");
        var (invalid, _) = await _server.Client.SendAsync(HttpMethod.Post, "fhir/Patient", """{"resourceType":"Patient","gender":"sometimes"}""");
        Assert.True((int)invalid.StatusCode is 400 or 422);
        foreach (var response in new[] { missing, unrouted, invalid })
        {
            Assert.False(response.IsSuccessStatusCode);
            AssertCommonHeaders(response, "frame-ancestors 'none'");
            Assert.True(response.Headers.CacheControl?.NoStore);
        }
    }

    [Fact]
    public async Task Html_pages_get_a_strict_content_security_policy_their_stylesheet_satisfies()
    {
        var page = await _server.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var policy = AssertCommonHeaders(page, "default-src 'self'");
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        var html = await page.Content.ReadAsStringAsync();
        // default-src 'self' refuses inline styles: the page's style must come from this server
        Assert.DoesNotContain("<style", html);
        Assert.Contains("href=\"site.css\"", html);
        var css = await _server.Client.GetAsync("/site.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        // no patient data outside /fhir and /auth: the page may be cached
        Assert.NotEqual(true, page.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Https_requests_get_strict_transport_security_over_tls_1_2_and_later()
    {
        var https = _server.Urls.Single(u => u.StartsWith("https://", StringComparison.Ordinal));
        foreach (var protocol in new[] { SslProtocols.Tls12, SslProtocols.Tls13 })
        {
            using var handler = new HttpClientHandler
            {
                SslProtocols = protocol,
                ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == _certificate.Thumbprint,
            };
            using var client = _server.NewClient(handler, https);
            var (response, body) = await client.SendAsync(HttpMethod.Get, "fhir/metadata");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("CapabilityStatement", (string?)body?["resourceType"]);
            Assert.Equal("max-age=31536000", string.Join(",", response.Headers.GetValues("Strict-Transport-Security")));
            AssertCommonHeaders(response, "frame-ancestors 'none'");
        }
    }

    private static string AssertCommonHeaders(HttpResponseMessage response, string policyStart)
    {
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Single(response, "Referrer-Policy"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        var policy = Single(response, "Content-Security-Policy");
        Assert.StartsWith(policyStart, policy);
        return policy;
    }

    private static string Single(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.TryGetValues(name, out var values) ? values : response.Content.Headers.TryGetValues(name, out var content) ? content : []);

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
