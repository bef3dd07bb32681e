using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Tokens;

namespace Shifo.Server.Tests.Security;

/// <summary>/auth/admin: only for Admin tokens; users and clients validated; lists without secrets.</summary>
public abstract partial class AuthServerTests
{
    private async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, JsonObject? body, string? token)
    {
        using var request = new HttpRequestMessage(method, "auth/admin/" + path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return await Client.SendAsync(request);
    }

    [Fact]
    public async Task The_admin_api_needs_an_admin_token()
    {
        var newUser = new JsonObject { ["username"] = AuthTestClient.Unique("x"), ["password"] = "long-enough-password", ["role"] = "admin" };
        foreach (var (method, path, body) in new (HttpMethod, string, JsonObject?)[]
                 {
                     (HttpMethod.Get, "users", null), (HttpMethod.Post, "users", newUser), (HttpMethod.Get, "clients", null),
                     (HttpMethod.Post, "keys/rotate", null),
                 })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await AdminAsync(method, path, body, null)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await AdminAsync(method, path, body, "not.a.token")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await AdminAsync(method, path, body, await _auth.IssueAsync(AccessRole.Practitioner))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await AdminAsync(method, path, body, await _auth.IssueAsync(AccessRole.System))).StatusCode);
        }
        Assert.Null(await _auth.Accounts.FindUserByNameAsync((string)newUser["username"]!, CancellationToken.None));
    }

    [Fact]
    public async Task An_admin_creates_users_who_can_then_sign_in_and_lists_show_no_password_hashes()
    {
        var admin = await _auth.IssueAsync(AccessRole.Admin);
        var username = AuthTestClient.Unique("nurse");
        var created = await AdminAsync(HttpMethod.Post, "users", new JsonObject
        {
            ["username"] = username, ["password"] = "a-good-long-password", ["role"] = "practitioner",
            ["fhirUser"] = "Practitioner/n-1", ["organization"] = "Organization/h-1",
        }, admin);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("practitioner", (string?)(await AuthTestClient.JsonAsync(created))["role"]);
        var stored = await _auth.Accounts.FindUserByNameAsync(username, CancellationToken.None);
        Assert.StartsWith("pbkdf2-sha256$1000$", stored!.PasswordHash);

        var duplicate = await AdminAsync(HttpMethod.Post, "users", new JsonObject
        {
            ["username"] = username, ["password"] = "a-good-long-password", ["role"] = "practitioner", ["fhirUser"] = "Practitioner/n-1",
        }, admin);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);

        var invalid = await AdminAsync(HttpMethod.Post, "users", new JsonObject
        {
            ["username"] = "x", ["password"] = "short", ["role"] = "system", ["organization"] = "Patient/1",
        }, admin);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.True((await AuthTestClient.JsonAsync(invalid))["errors"]!.AsArray().Count >= 4);
        var citizenWithoutPatient = await AdminAsync(HttpMethod.Post, "users", new JsonObject
        {
            ["username"] = AuthTestClient.Unique("c"), ["password"] = "a-good-long-password", ["role"] = "citizen", ["fhirUser"] = "Practitioner/1",
        }, admin);
        Assert.Equal(HttpStatusCode.BadRequest, citizenWithoutPatient.StatusCode);

        var list = await AdminAsync(HttpMethod.Get, "users", null, admin);
        var text = await list.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(username, text);
        Assert.DoesNotContain("pbkdf2", text);
        Assert.DoesNotContain("password", text);

        var client = await _auth.AddPublicClientAsync();
        var (verifier, challenge) = AuthTestClient.Pkce();
        var code = await _auth.CodeAsync(client, username, "a-good-long-password", challenge, "user/*.rs");
        Assert.Equal(HttpStatusCode.OK, (await _auth.ExchangeAsync(client, code, verifier)).StatusCode);
    }

    [Fact]
    public async Task An_admin_registers_a_backend_client_with_public_keys_only()
    {
        var admin = await _auth.IssueAsync(AccessRole.Admin);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var jwk = new JsonObject();
        foreach (var (name, value) in Jwk.FromPublicKey(key, "k1", "ES384")) jwk[name] = value?.ToString();
        var clientId = AuthTestClient.Unique("lab");
        var created = await AdminAsync(HttpMethod.Post, "clients", new JsonObject
        {
            ["client_id"] = clientId, ["name"] = "Lab system", ["kind"] = "backend", ["role"] = "system", ["scope"] = "system/Observation.cruds",
            ["organization"] = "Organization/lab-1", ["jwks"] = new JsonObject { ["keys"] = new JsonArray(jwk.DeepClone()) },
        }, admin);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = await _auth.ClientCredentialsAsync(_auth.Assertion(clientId, key, "ES384", "k1"), "system/Observation.rs");
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);

        var withPrivate = jwk.DeepClone().AsObject();
        withPrivate["d"] = Base64Url.Encode(key.ExportParameters(true).D);
        Assert.Equal(HttpStatusCode.BadRequest, (await AdminAsync(HttpMethod.Post, "clients", BackendWith(withPrivate), admin)).StatusCode);
        using var weak = RSA.Create(1024);
        var weakJwk = new JsonObject { ["kty"] = "RSA", ["kid"] = "w", ["n"] = Base64Url.Encode(weak.ExportParameters(false).Modulus), ["e"] = Base64Url.Encode(weak.ExportParameters(false).Exponent) };
        Assert.Equal(HttpStatusCode.BadRequest, (await AdminAsync(HttpMethod.Post, "clients", BackendWith(weakJwk), admin)).StatusCode);
        var symmetric = new JsonObject { ["kty"] = "oct", ["kid"] = "s", ["k"] = "c2VjcmV0" };
        Assert.Equal(HttpStatusCode.BadRequest, (await AdminAsync(HttpMethod.Post, "clients", BackendWith(symmetric), admin)).StatusCode);
        var userScopes = BackendWith(jwk.DeepClone().AsObject());
        userScopes["scope"] = "user/*.rs";
        Assert.Equal(HttpStatusCode.BadRequest, (await AdminAsync(HttpMethod.Post, "clients", userScopes, admin)).StatusCode);
        var notJson = new HttpRequestMessage(HttpMethod.Post, "auth/admin/clients") { Content = new StringContent("{oops", Encoding.UTF8, "application/json") };
        notJson.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.SendAsync(notJson)).StatusCode);

        var publicClient = await AdminAsync(HttpMethod.Post, "clients", new JsonObject
        {
            ["name"] = "Portal", ["kind"] = "public", ["scope"] = "patient/*.rs openid fhirUser", ["redirect_uris"] = new JsonArray("https://portal.example/cb"),
        }, admin);
        Assert.Equal(HttpStatusCode.Created, publicClient.StatusCode);
        var noRedirect = await AdminAsync(HttpMethod.Post, "clients", new JsonObject { ["name"] = "Portal", ["kind"] = "public", ["scope"] = "patient/*.rs" }, admin);
        Assert.Equal(HttpStatusCode.BadRequest, noRedirect.StatusCode);

        var list = await (await AdminAsync(HttpMethod.Get, "clients", null, admin)).Content.ReadAsStringAsync();
        Assert.Contains(clientId, list);
        Assert.DoesNotContain("\"d\"", list);

        JsonObject BackendWith(JsonObject key) => new()
        {
            ["client_id"] = AuthTestClient.Unique("bad"), ["name"] = "Bad", ["kind"] = "backend", ["role"] = "system", ["scope"] = "system/*.rs",
            ["jwks"] = new JsonObject { ["keys"] = new JsonArray(key) },
        };
    }
}
