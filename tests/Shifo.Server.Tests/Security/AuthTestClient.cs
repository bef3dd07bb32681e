using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Passwords;
using Shifo.Server.Security.Tokens;
using Shifo.Server.Tests.Fixtures;
using Shifo.Storage.Accounts;

namespace Shifo.Server.Tests.Security;

/// <summary>What the authorization-server tests need: accounts made straight in the store, signed assertions, the browser's part of the code flow.</summary>
public sealed partial class AuthTestClient(ServerFixture server)
{
    public string TokenUrl => server.BaseUrl + "/auth/token";
    public AccountStore Accounts => server.Services.GetRequiredService<AccountStore>();

    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    public async Task<(UserAccount User, string Password)> AddUserAsync(AccessRole role, string? fhirUser = null, string? organization = null, bool demo = false)
    {
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var user = new UserAccount
        {
            Id = Unique("u"),
            Username = Unique("user"),
            PasswordHash = PasswordHasher.Hash(password, AuthSettings.Iterations),
            Role = role.ToClaim(),
            FhirUser = fhirUser,
            Organization = organization,
            Demo = demo,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        Assert.True(await Accounts.AddUserAsync(user, CancellationToken.None));
        return (user, password);
    }

    public async Task<ClientRegistration> AddPublicClientAsync(string scopes = "patient/*.cruds user/*.cruds openid fhirUser offline_access launch/patient")
    {
        var id = Unique("app");
        var client = new ClientRegistration
        {
            ClientId = id,
            Name = "Test app " + id,
            Kind = ClientKinds.Public,
            RedirectUris = [$"https://app.example/{id}/callback"],
            PostLogoutRedirectUris = [$"https://app.example/{id}/bye"],
            Scopes = scopes,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        Assert.True(await Accounts.AddClientAsync(client, CancellationToken.None));
        return client;
    }

    /// <summary>A backend client with one registered public key; returns it with the key's kid.</summary>
    public async Task<(ClientRegistration Client, string Kid)> AddBackendClientAsync(AsymmetricAlgorithm key, string alg, string scopes = "system/*.rs system/Observation.cruds", string role = "system")
    {
        var kid = Unique("k");
        var jwk = new JsonObject();
        foreach (var (name, value) in Jwk.FromPublicKey(key, kid, alg)) jwk[name] = value?.ToString();
        var client = new ClientRegistration
        {
            ClientId = Unique("his"),
            Name = "Test HIS",
            Kind = ClientKinds.Backend,
            Jwks = new JsonObject { ["keys"] = new JsonArray(jwk) }.ToJsonString(),
            Role = role,
            Organization = "Organization/test-hospital",
            Scopes = scopes,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        Assert.True(await Accounts.AddClientAsync(client, CancellationToken.None));
        return (client, kid);
    }

    public string Assertion(string clientId, AsymmetricAlgorithm key, string alg, string kid, string? aud = null, DateTimeOffset? exp = null, string? jti = null)
    {
        var payload = new Dictionary<string, object?>
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = aud ?? TokenUrl,
            ["exp"] = (exp ?? DateTimeOffset.UtcNow.AddMinutes(4)).ToUnixTimeSeconds(),
            ["jti"] = jti ?? Guid.NewGuid().ToString("N"),
        };
        return Jws.Sign(new Dictionary<string, object?> { ["typ"] = "JWT" }, payload, key, alg, kid);
    }

    public Task<HttpResponseMessage> ClientCredentialsAsync(string assertion, string scope = "system/Observation.rs") =>
        PostFormAsync(server.Client, "auth/token",
            ("grant_type", "client_credentials"), ("scope", scope),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", assertion));

    public static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, params (string Name, string Value)[] fields) =>
        client.PostAsync(url, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>The error of an OAuth error answer, after checking status and no-store.</summary>
    public static async Task<string> ErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return (string)JsonNode.Parse(body)!["error"]!;
    }

    public async Task<AccessContext> ValidateAsync(string accessToken)
    {
        var result = await server.Services.GetRequiredService<AccessTokenValidator>().ValidateAsync(accessToken, server.BaseUrl, CancellationToken.None);
        Assert.True(result.Access is not null, result.Error);
        return result.Access!;
    }

    public async Task<string> IssueAsync(AccessRole role)
    {
        var issued = await server.Services.GetRequiredService<AccessTokenIssuer>().IssueAsync(new AccessTokenRequest
        {
            Subject = Unique("s"), ClientId = "test", Role = role, Scope = role == AccessRole.Admin ? "openid" : "user/*.rs",
        }, server.BaseUrl, CancellationToken.None);
        return issued.Token;
    }

    // ---- the browser's part of the authorization code flow ----

    /// <summary>A browser: its own cookies, redirects not followed (the test reads the Location).</summary>
    public HttpClient NewBrowser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(server.BaseUrl + "/") };

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64Url.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public string AuthorizeUrl(ClientRegistration client, string challenge, string scope, string state = "st-1", string? aud = null) =>
        "auth/authorize?" + string.Join('&', new[]
        {
            ("response_type", "code"), ("client_id", client.ClientId), ("redirect_uri", client.RedirectUris[0]), ("scope", scope),
            ("state", state), ("aud", aud ?? server.Fhir), ("code_challenge", challenge), ("code_challenge_method", "S256"),
        }.Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2)));

    /// <summary>The form token of a sign-in page, as a browser would submit it.</summary>
    public static string FormToken(string html)
    {
        var match = FormTokenField().Match(html);
        Assert.True(match.Success, "no form_token field in the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static Task<HttpResponseMessage> SignInAsync(HttpClient browser, string formToken, string username, string password) =>
        PostFormAsync(browser, "auth/authorize", ("form_token", formToken), ("username", username), ("password", password));

    /// <summary>Signs in through the real page and returns the code from the redirect (after checking state).</summary>
    public async Task<string> CodeAsync(ClientRegistration client, string username, string password, string challenge, string scope)
    {
        using var browser = NewBrowser();
        var page = await browser.GetAsync(AuthorizeUrl(client, challenge, scope, state: "xyz"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var signIn = await SignInAsync(browser, FormToken(await page.Content.ReadAsStringAsync()), username, password);
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"{signIn.StatusCode}: {await signIn.Content.ReadAsStringAsync()}");
        var location = signIn.Headers.Location!.ToString();
        Assert.StartsWith(client.RedirectUris[0] + "?", location);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(location).Query);
        Assert.Equal("xyz", query["state"]);
        return query["code"] ?? throw new Xunit.Sdk.XunitException("no code in " + location);
    }

    public Task<HttpResponseMessage> ExchangeAsync(ClientRegistration client, string code, string verifier) =>
        PostFormAsync(server.Client, "auth/token", ("grant_type", "authorization_code"), ("code", code), ("client_id", client.ClientId),
            ("redirect_uri", client.RedirectUris[0]), ("code_verifier", verifier));

    public Task<HttpResponseMessage> RefreshAsync(ClientRegistration client, string refreshToken) =>
        PostFormAsync(server.Client, "auth/token", ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", client.ClientId));

    [GeneratedRegex("name=\"form_token\" value=\"([^\"]+)\"")]
    private static partial Regex FormTokenField();
}
