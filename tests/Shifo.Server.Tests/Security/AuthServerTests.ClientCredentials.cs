using System.Net;
using System.Security.Cryptography;
using System.Text;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Tokens;

namespace Shifo.Server.Tests.Security;

/// <summary>SMART Backend Services: client_credentials with a signed client assertion.</summary>
public abstract partial class AuthServerTests
{
    [Theory]
    [InlineData("RS384")]
    [InlineData("ES384")]
    public async Task Client_credentials_with_a_signed_assertion_gives_a_system_token(string alg)
    {
        using AsymmetricAlgorithm key = alg == "RS384" ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var (client, kid) = await _auth.AddBackendClientAsync(key, alg);
        var response = await _auth.ClientCredentialsAsync(_auth.Assertion(client.ClientId, key, alg, kid),
            scope: "system/Observation.cruds system/Patient.rs system/Consent.cud openid");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var json = await AuthTestClient.JsonAsync(response);
        Assert.Equal("Bearer", (string?)json["token_type"]);
        Assert.InRange((long)json["expires_in"]!, 60, 15 * 60);
        // Consent.cud is not registered (only read and search on *) and openid means nothing for a system
        Assert.Equal("system/Observation.cruds system/Patient.rs", (string?)json["scope"]);

        var access = await _auth.ValidateAsync((string)json["access_token"]!);
        Assert.Equal(AccessRole.System, access.Role);
        Assert.Equal(client.ClientId, access.ClientId);
        Assert.Equal(client.ClientId, access.Subject);
        Assert.Equal("Organization/test-hospital", access.Organization);
        Assert.True(access.Scopes.Allows(Shifo.Server.Security.Scopes.ScopeContext.System, "Observation", Shifo.Server.Security.Scopes.ScopeActions.Create));
        Assert.False(access.Scopes.Allows(Shifo.Server.Security.Scopes.ScopeContext.System, "Patient", Shifo.Server.Security.Scopes.ScopeActions.Update));
    }

    [Fact]
    public async Task A_third_party_client_gets_a_third_party_token()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var (client, kid) = await _auth.AddBackendClientAsync(key, "ES384", role: "third-party");
        var json = await AuthTestClient.JsonAsync(await _auth.ClientCredentialsAsync(_auth.Assertion(client.ClientId, key, "ES384", kid)));
        Assert.Equal(AccessRole.ThirdParty, (await _auth.ValidateAsync((string)json["access_token"]!)).Role);
    }

    [Fact]
    public async Task No_requested_scope_left_is_invalid_scope()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var (client, kid) = await _auth.AddBackendClientAsync(key, "ES384");
        var response = await _auth.ClientCredentialsAsync(_auth.Assertion(client.ClientId, key, "ES384", kid), scope: "system/Patient.cud user/*.rs");
        Assert.Equal("invalid_scope", await AuthTestClient.ErrorAsync(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Rejected_assertions_are_invalid_client()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var (client, kid) = await _auth.AddBackendClientAsync(key, "ES384");
        var id = client.ClientId;

        async Task Refused(string assertion, string because)
        {
            var response = await _auth.ClientCredentialsAsync(assertion);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{because}: {response.StatusCode} {body}");
            Assert.Equal("invalid_client", (string?)System.Text.Json.Nodes.JsonNode.Parse(body)!["error"]);
        }

        await Refused(_auth.Assertion(id, otherKey, "ES384", kid), "wrong signature");
        await Refused(_auth.Assertion(id, key, "ES384", kid, exp: DateTimeOffset.UtcNow.AddMinutes(-5)), "expired");
        await Refused(_auth.Assertion(id, key, "ES384", kid, exp: DateTimeOffset.UtcNow.AddMinutes(30)), "exp too far ahead");
        await Refused(_auth.Assertion(id, key, "ES384", kid, aud: server.BaseUrl + "/fhir"), "wrong aud");
        await Refused(_auth.Assertion(AuthTestClient.Unique("nobody"), key, "ES384", kid), "unknown client");
        await Refused(_auth.Assertion(id, key, "ES384", "another-kid"), "unknown kid");

        var jti = Guid.NewGuid().ToString("N");
        var first = await _auth.ClientCredentialsAsync(_auth.Assertion(id, key, "ES384", kid, jti: jti));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await Refused(_auth.Assertion(id, key, "ES384", kid, jti: jti), "replayed jti");

        // alg none: the header says none and there is no signature
        await Refused(Unsigned(id, "none", ""), "alg none");
        // HS256 with the public key's bytes as the HMAC secret: the classic key-confusion attack
        var hmacKey = Encoding.UTF8.GetBytes(key.ExportSubjectPublicKeyInfoPem());
        var signingInput = Unsigned(id, "HS256", null);
        await Refused(signingInput + "." + Base64Url.Encode(HMACSHA256.HashData(hmacKey, Encoding.ASCII.GetBytes(signingInput))), "HS256");
        // the right key but an algorithm SMART does not allow here
        await Refused(_auth.Assertion(id, key, "ES256", kid), "ES256 with a P-384 key");

        string Unsigned(string clientId, string alg, string? signature)
        {
            var header = Base64Url.Encode(Encoding.UTF8.GetBytes($"{{\"alg\":\"{alg}\",\"kid\":\"{kid}\",\"typ\":\"JWT\"}}"));
            var payload = Base64Url.Encode(Encoding.UTF8.GetBytes(
                $"{{\"iss\":\"{clientId}\",\"sub\":\"{clientId}\",\"aud\":\"{_auth.TokenUrl}\",\"exp\":{DateTimeOffset.UtcNow.AddMinutes(4).ToUnixTimeSeconds()},\"jti\":\"{Guid.NewGuid():N}\"}}"));
            return signature is null ? header + "." + payload : header + "." + payload + "." + signature;
        }
    }

    [Fact]
    public async Task Malformed_token_requests_are_answered_with_oauth_errors()
    {
        var noGrant = await AuthTestClient.PostFormAsync(Client, "auth/token", ("scope", "system/*.rs"));
        Assert.Equal("invalid_request", await AuthTestClient.ErrorAsync(noGrant, HttpStatusCode.BadRequest));
        var password = await AuthTestClient.PostFormAsync(Client, "auth/token", ("grant_type", "password"), ("username", "a"), ("password", "b"));
        Assert.Equal("unsupported_grant_type", await AuthTestClient.ErrorAsync(password, HttpStatusCode.BadRequest));
        var json = await Client.PostAsync("auth/token", new StringContent("{\"grant_type\":\"client_credentials\"}", Encoding.UTF8, "application/json"));
        Assert.Equal("invalid_request", await AuthTestClient.ErrorAsync(json, HttpStatusCode.BadRequest));
        var repeated = await AuthTestClient.PostFormAsync(Client, "auth/token", ("grant_type", "client_credentials"), ("grant_type", "refresh_token"));
        Assert.Equal("invalid_request", await AuthTestClient.ErrorAsync(repeated, HttpStatusCode.BadRequest));
        var huge = await AuthTestClient.PostFormAsync(Client, "auth/token", ("grant_type", "client_credentials"), ("client_assertion", new string('a', 100_000)));
        Assert.Equal("invalid_request", await AuthTestClient.ErrorAsync(huge, HttpStatusCode.BadRequest));
        var noAssertion = await AuthTestClient.PostFormAsync(Client, "auth/token", ("grant_type", "client_credentials"), ("scope", "system/*.rs"));
        Assert.Equal("invalid_client", await AuthTestClient.ErrorAsync(noAssertion, HttpStatusCode.Unauthorized));
    }
}
