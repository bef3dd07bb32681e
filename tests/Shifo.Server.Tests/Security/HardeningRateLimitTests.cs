using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Shifo.Server.Security.Hardening;
using Shifo.Server.Tests.Conformance;

namespace Shifo.Server.Tests.Security;

/// <summary>
/// Per-client token buckets with a tiny configured limit (burst 3, 1 per second): a client's requests beyond its
/// burst get 429 with Retry-After and an OperationOutcome, while other clients and anonymous callers keep their own
/// buckets. Each test uses client ids of its own, so the tests do not share buckets.
/// </summary>
public sealed class HardeningRateLimitTests : IAsyncLifetime
{
    private const int Burst = 3;
    private HardeningServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await HardeningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Security:RateLimit:PermitsPerSecond"] = "1",
            ["Security:RateLimit:Burst"] = Burst.ToString(),
        });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_client_over_its_burst_gets_429_with_retry_after_while_another_client_is_served()
    {
        var busy = await _server.TokenAsync("busy-" + Guid.NewGuid().ToString("N"));
        var quiet = await _server.TokenAsync("quiet-" + Guid.NewGuid().ToString("N"));

        var statuses = new List<HttpStatusCode>();
        (HttpResponseMessage Response, JsonNode? Body)? refused = null;
        for (var i = 0; i < Burst + 5; i++)
        {
            var result = await GetAsync("fhir/metadata", busy);
            statuses.Add(result.Response.StatusCode);
            if (result.Response.StatusCode == HttpStatusCode.TooManyRequests) refused ??= result;
        }
        // the bucket starts full: the burst passes; a second can refill at most one or two more
        Assert.All(statuses.Take(Burst), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.NotNull(refused);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), Burst, Burst + 2);

        var (response, body) = refused.Value;
        var outcome = FhirHttp.AssertOutcome(response, body, HttpStatusCode.TooManyRequests);
        Assert.Equal("throttled", (string?)outcome["issue"]![0]!["code"]);
        Assert.True(int.TryParse(Assert.Single(response.Headers.GetValues("Retry-After")), out var seconds) && seconds >= 1);
        Assert.True(response.Headers.CacheControl?.NoStore, "the security headers are on refusals too");

        var other = await GetAsync("fhir/metadata", quiet);
        Assert.Equal(HttpStatusCode.OK, other.Response.StatusCode);
    }

    [Fact]
    public async Task Callers_without_a_readable_token_share_their_address_bucket_and_a_forged_client_id_only_picks_its_own_bucket()
    {
        // anonymous requests and an Authorization header that is no JWT count against the remote address
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < Burst + 5; i++)
            statuses.Add((await GetAsync("fhir/metadata", i % 2 == 0 ? null : "not-a-jwt")).Response.StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);

        // a token with a made-up client_id and no valid signature is not trusted for anything: it only gets a bucket
        // of its own, so the exhausted address bucket does not hold it back, and it is limited like any client
        var forged = ForgedToken("forged-" + Guid.NewGuid().ToString("N"));
        var forgedStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < Burst + 5; i++)
            forgedStatuses.Add((await GetAsync("fhir/metadata", forged)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, forgedStatuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, forgedStatuses);
    }

    [Fact]
    public void The_partition_key_is_the_tokens_client_id_or_nothing()
    {
        Assert.Equal("his-7", ClientPartitionKey.UnverifiedClientId("Bearer " + ForgedToken("his-7")));
        Assert.Equal("his-7", ClientPartitionKey.UnverifiedClientId("bearer " + ForgedToken("his-7")));
        Assert.Null(ClientPartitionKey.UnverifiedClientId("Basic aGlzOnNlY3JldA=="));
        Assert.Null(ClientPartitionKey.UnverifiedClientId("Bearer a.b"));
        Assert.Null(ClientPartitionKey.UnverifiedClientId("Bearer a.!!!.c"));
        Assert.Null(ClientPartitionKey.UnverifiedClientId("Bearer " + Jwt("""{"client_id":42}""")));
        Assert.Null(ClientPartitionKey.UnverifiedClientId("Bearer " + Jwt("""{"client_id":"has space"}""")));
        Assert.Null(ClientPartitionKey.UnverifiedClientId("Bearer " + Jwt("""{"client_id":""" + "\"" + new string('x', 200) + "\"}")));
        Assert.Null(ClientPartitionKey.UnverifiedClientId("Bearer " + Jwt("""["client_id"]""")));
        Assert.Null(ClientPartitionKey.UnverifiedClientId("Bearer " + Jwt("""{"client_id":""")));
        Assert.Equal("c", ClientPartitionKey.UnverifiedClientId("Bearer " + Jwt("""{"sub":{"client_id":"nested"},"client_id":"c"}""")));
    }

    private async Task<(HttpResponseMessage Response, JsonNode? Body)> GetAsync(string path, string? token) =>
        await _server.Client.SendAsync(HttpMethod.Get, path, configure: r =>
        {
            if (token is not null) r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        });

    private static string ForgedToken(string clientId) => Jwt($$"""{"client_id":"{{clientId}}","sub":"x"}""");

    private static string Jwt(string payload) =>
        $"{B64("""{"alg":"RS256","typ":"JWT"}""")}.{B64(payload)}.{B64("not a signature")}";

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>/auth/token has a stricter bucket per remote address: each request there may be a guess at a secret.</summary>
public sealed class HardeningTokenEndpointRateLimitTests
{
    [Fact]
    public async Task The_token_endpoint_refuses_an_address_over_its_small_burst_with_oauth_json_while_fhir_is_still_served()
    {
        await using var server = await HardeningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Security:RateLimit:TokenEndpointPermitsPerMinute"] = "1",
            ["Security:RateLimit:TokenEndpointBurst"] = "2",
        });
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 4; i++)
        {
            using var form = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("client_id", "his"), new("client_secret", "guess-" + i)]);
            var response = await server.Client.PostAsync("auth/token", form);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused ??= response;
        }
        // whatever the endpoint answers to the first two (it may not exist on this build), the rest are refused
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(2));
        Assert.All(statuses.Skip(2), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));

        Assert.NotNull(refused);
        Assert.Equal("application/json", refused.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal("temporarily_unavailable", (string?)body["error"]);
        Assert.False(string.IsNullOrEmpty((string?)body["error_description"]));
        Assert.True(int.TryParse(Assert.Single(refused.Headers.GetValues("Retry-After")), out var seconds) && seconds >= 1);

        // the same address keeps its ordinary allowance elsewhere
        var metadata = await server.Client.GetAsync("fhir/metadata");
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
    }

    [Fact]
    public async Task Rate_limiting_can_be_switched_off_and_bad_limits_stop_the_start()
    {
        await using (var server = await HardeningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Security:RateLimit:Enabled"] = "false",
            ["Security:RateLimit:PermitsPerSecond"] = "1",
            ["Security:RateLimit:Burst"] = "1",
        }))
        {
            for (var i = 0; i < 5; i++)
                Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("livez")).StatusCode);
        }
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            HardeningServer.StartAsync(new Dictionary<string, string?> { ["Security:RateLimit:Burst"] = "0" }));
        Assert.Contains("Security:RateLimit", ex.Message);
    }
}
