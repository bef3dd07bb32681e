using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Shifo.Server.Security.Tokens;
using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Security;

/// <summary>
/// The authorization server over real HTTP, once per store (the partial files hold the grant, sign-in, admin and
/// production tests). Every test makes its own users and clients, so the tests of a class share one server.
/// </summary>
public abstract partial class AuthServerTests(ServerFixture server)
{
    private readonly AuthTestClient _auth = new(server);
    private HttpClient Client => server.Client;

    [Theory]
    [InlineData("/.well-known/smart-configuration")]
    [InlineData("/fhir/.well-known/smart-configuration")]
    public async Task Smart_configuration_names_the_endpoints_and_capabilities(string path)
    {
        var response = await Client.GetAsync(path.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var config = await AuthTestClient.JsonAsync(response);
        var auth = server.BaseUrl + "/auth";
        Assert.Equal(auth, (string?)config["issuer"]);
        Assert.Equal(auth + "/jwks", (string?)config["jwks_uri"]);
        Assert.Equal(auth + "/authorize", (string?)config["authorization_endpoint"]);
        Assert.Equal(auth + "/token", (string?)config["token_endpoint"]);
        Assert.Equal(auth + "/revoke", (string?)config["revocation_endpoint"]);
        Assert.Equal(["private_key_jwt"], Strings(config["token_endpoint_auth_methods_supported"]));
        Assert.Equal(["RS384", "ES384"], Strings(config["token_endpoint_auth_signing_alg_values_supported"]));
        Assert.Equal(["code"], Strings(config["response_types_supported"]));
        Assert.Equal(["S256"], Strings(config["code_challenge_methods_supported"]));
        Assert.Contains("client_credentials", Strings(config["grant_types_supported"]));
        Assert.Contains("authorization_code", Strings(config["grant_types_supported"]));
        var capabilities = Strings(config["capabilities"]);
        foreach (var c in new[] { "launch-standalone", "client-public", "client-confidential-asymmetric", "context-standalone-patient", "permission-v2", "permission-patient", "permission-user" })
            Assert.Contains(c, capabilities);
        Assert.DoesNotContain("sso-openid-connect", capabilities);
    }

    [Fact]
    public async Task Jwks_publishes_the_signing_key_that_verifies_issued_tokens()
    {
        var token = await _auth.IssueAsync(Shifo.Server.Security.Access.AccessRole.Practitioner);
        Jws.TryRead(token, out var header, out _);
        var kid = header.GetProperty("kid").GetString();

        var response = await Client.GetAsync("auth/jwks");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var keys = (await AuthTestClient.JsonAsync(response))["keys"]!.AsArray();
        var jwk = keys.Single(k => (string?)k!["kid"] == kid)!;
        Assert.Equal("RSA", (string?)jwk["kty"]);
        Assert.Equal("RS256", (string?)jwk["alg"]);
        Assert.Null(jwk["d"]);
        using var doc = System.Text.Json.JsonDocument.Parse(jwk.ToJsonString());
        using var publicKey = Jwk.ToPublicKey(doc.RootElement, out var error);
        Assert.True(publicKey is not null, error);
        Assert.True(Jws.VerifySignature(token, publicKey!, "RS256"));
    }

    [Fact]
    public async Task Key_rotation_keeps_old_tokens_valid_signs_new_ones_with_the_new_key_and_publishes_both()
    {
        var before = await _auth.IssueAsync(Shifo.Server.Security.Access.AccessRole.Practitioner);
        Jws.TryRead(before, out var oldHeader, out _);
        var oldKid = oldHeader.GetProperty("kid").GetString();

        using var rotate = new HttpRequestMessage(HttpMethod.Post, "auth/admin/keys/rotate");
        rotate.Headers.Authorization = new("Bearer", await _auth.IssueAsync(Shifo.Server.Security.Access.AccessRole.Admin));
        var rotated = await Client.SendAsync(rotate);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newKid = (string?)(await AuthTestClient.JsonAsync(rotated))["kid"];
        Assert.NotEqual(oldKid, newKid);

        var after = await _auth.IssueAsync(Shifo.Server.Security.Access.AccessRole.Practitioner);
        Jws.TryRead(after, out var newHeader, out _);
        Assert.Equal(newKid, newHeader.GetProperty("kid").GetString());
        // a fresh validator, as another node would be: nothing cached, keys read from the database
        var ring = new SigningKeyRing(new Shifo.Server.Security.Accounts.DatabaseSigningKeyStore(_auth.Accounts),
            server.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Shifo.Server.Security.SecurityOptions>>(), TimeProvider.System);
        var validator = new AccessTokenValidator(ring, server.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Shifo.Server.Security.SecurityOptions>>(), TimeProvider.System);
        Assert.NotNull((await validator.ValidateAsync(before, server.BaseUrl, CancellationToken.None)).Access);
        Assert.NotNull((await validator.ValidateAsync(after, server.BaseUrl, CancellationToken.None)).Access);

        var kids = (await AuthTestClient.JsonAsync(await Client.GetAsync("auth/jwks")))["keys"]!.AsArray().Select(k => (string?)k!["kid"]).ToList();
        Assert.Contains(oldKid, kids);
        Assert.Contains(newKid, kids);
    }

    private static List<string> Strings(JsonNode? node) => node!.AsArray().Select(n => (string)n!).ToList();
}

public sealed class SqliteAuthServerTests(AuthSqliteFixture server) : AuthServerTests(server), IClassFixture<AuthSqliteFixture>;

public sealed class PostgresAuthServerTests(AuthPostgresFixture server) : AuthServerTests(server), IClassFixture<AuthPostgresFixture>;
