using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Shifo.Server.Hosting;
using Shifo.Server.Security.Tokens;
using Shifo.Storage;
using Shifo.Storage.Accounts;

namespace Shifo.Server.Tests.Security;

/// <summary>
/// Demo accounts and production mode on a SQLite file of their own: demo start (twice: idempotent), the demo
/// backend client's key file, and every reason production refuses to start.
/// </summary>
public sealed class AuthDemoTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "shifo-demo-" + Guid.NewGuid().ToString("N")[..12]);

    private Dictionary<string, string?> Settings(string db, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Store:Provider"] = "sqlite",
            ["Store:SqlitePath"] = Path.Combine(_dir, db, "shifo.db"),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Security:PasswordIterations"] = AuthSettings.Iterations.ToString(),
            ["Demo:Patients"] = "3",
        };
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    [Fact]
    public async Task Demo_makes_accounts_once_and_a_key_file_the_demo_backend_client_signs_with()
    {
        var settings = Settings("demo", ("Demo:Enabled", "true"));
        var keyPath = Path.Combine(_dir, "demo", "demo", "demo-his.private.jwk.json");
        for (var start = 0; start < 2; start++)
        {
            await using var app = ShifoServer.Build([], settings);
            await app.StartAsync();
            var baseUrl = app.Urls.First().TrimEnd('/');
            var accounts = app.Services.GetRequiredService<AccountStore>();
            var users = await accounts.ListUsersAsync(CancellationToken.None);
            Assert.Equal(["admin", "citizen", "pharmacist", "practitioner", "practitioner"], users.Select(u => u.Role).Order().ToArray());
            Assert.All(users, u => Assert.True(u.Demo));
            Assert.Equal("Patient/demo-citizen", users.Single(u => u.Role == "citizen").FhirUser);
            var store = app.Services.GetRequiredService<Shifo.Server.Security.Enforcement.TrustedStore>().Store;
            foreach (var reference in users.Select(u => u.FhirUser).Concat(users.Select(u => u.Organization)).OfType<string>())
                Assert.NotNull(await store.ReadAsync(reference.Split('/')[0], reference.Split('/')[1]));
            var clients = await accounts.ListClientsAsync(CancellationToken.None);
            Assert.Equal([DemoAccounts.BackendClientId, DemoAccounts.PortalClientId], clients.Select(c => c.ClientId).Order().ToArray());

            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
            var jwk = JsonNode.Parse(await File.ReadAllTextAsync(keyPath))!;
            using var key = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP384,
                D = Decode(jwk["d"]), Q = new ECPoint { X = Decode(jwk["x"]), Y = Decode(jwk["y"]) },
            });
            var assertion = Jws.Sign(new Dictionary<string, object?>(), new Dictionary<string, object?>
            {
                ["iss"] = DemoAccounts.BackendClientId, ["sub"] = DemoAccounts.BackendClientId, ["aud"] = baseUrl + "/auth/token",
                ["exp"] = DateTimeOffset.UtcNow.AddMinutes(4).ToUnixTimeSeconds(), ["jti"] = Guid.NewGuid().ToString("N"),
            }, key, "ES384", (string)jwk["kid"]!);
            using var http = new HttpClient();
            var response = await http.PostAsync(baseUrl + "/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["scope"] = "system/*.rs",
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", ["client_assertion"] = assertion,
            }));
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            await app.StopAsync();
        }

        // production on the same database: the demo accounts are still active
        await AssertRefusedAsync(Settings("demo", ("Server:Production", "true")), "demo user");
    }

    [Fact]
    public async Task Production_refuses_demo_mode_and_security_off_and_starts_on_a_clean_database()
    {
        await AssertRefusedAsync(Settings("p1", ("Server:Production", "true"), ("Demo:Enabled", "true")), "demo mode");
        await AssertRefusedAsync(Settings("p2", ("Server:Production", "true"), ("Security:Enabled", "false")), "Security:Enabled");

        await using var app = ShifoServer.Build(["--production"], Settings("p3"));
        await app.StartAsync();
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(app.Urls.First().TrimEnd('/') + "/.well-known/smart-configuration")).StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task The_initial_admin_is_made_once_on_an_empty_database_and_production_accepts_it()
    {
        const string password = "correct horse battery staple";
        await using (var app = ShifoServer.Build(["--production"], Settings("a1", ("Security:InitialAdmin:Username", "root.admin"), ("Security:InitialAdmin:Password", password))))
        {
            await app.StartAsync();
            var admin = Assert.Single(await app.Services.GetRequiredService<AccountStore>().ListUsersAsync(CancellationToken.None));
            Assert.Equal(("root.admin", "admin", false), (admin.Username, admin.Role, admin.Demo));
            Assert.True(Shifo.Server.Security.Passwords.PasswordHasher.Verify(password, admin.PasswordHash));
            Assert.DoesNotContain(password, admin.PasswordHash);
            await app.StopAsync();
        }
        // an admin exists: the settings change nothing, whatever they say
        await using (var again = ShifoServer.Build(["--production"], Settings("a1", ("Security:InitialAdmin:Username", "other.admin"), ("Security:InitialAdmin:Password", "another long password"))))
        {
            await again.StartAsync();
            Assert.Equal(["root.admin"], (await again.Services.GetRequiredService<AccountStore>().ListUsersAsync(CancellationToken.None)).Select(u => u.Username));
            await again.StopAsync();
        }
        // a short password or a missing name stops the start with the reason
        foreach (var (name, pass) in new[] { ("root.admin", "short"), ("", "a long enough password") })
        {
            var app = ShifoServer.Build([], Settings("a2", ("Security:InitialAdmin:Username", name), ("Security:InitialAdmin:Password", pass)));
            try
            {
                var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());
                Assert.Contains("Security:InitialAdmin", refused.Message);
                Assert.DoesNotContain(pass, refused.Message);
            }
            finally
            {
                await app.DisposeAsync();
            }
        }
    }

    private static async Task AssertRefusedAsync(Dictionary<string, string?> settings, string reason)
    {
        WebApplication app = ShifoServer.Build([], settings);
        try
        {
            var refused = await Assert.ThrowsAsync<ProductionRefusedException>(() => app.StartAsync());
            Assert.Contains(reason, refused.Message);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static byte[] Decode(JsonNode? node)
    {
        Assert.True(Base64Url.TryDecode((string)node!, out var bytes));
        return bytes;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
