using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Shifo.Server.Pipeline;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Passwords;
using Shifo.Server.Security.Tokens;
using Shifo.Storage;
using Shifo.Storage.Accounts;

namespace Shifo.Server.Hosting;

/// <summary>
/// With the demo option on, makes (idempotently) one account per role with the FHIR resources they stand for, a
/// public client "demo-portal" and a backend client "demo-his". Each start gives the demo users new random
/// passwords and demo-his a new ES384 key, printed (passwords) or written to a file readable by the owner only
/// (the private key), so nothing guessable is ever in place. Everything here is marked demo: production refuses it.
/// </summary>
public sealed class DemoAccounts(
    IOptions<DemoOptions> demo, StoreOptions storeOptions, Security.Enforcement.TrustedStore trusted, Shifo.Fhir.Validation.FhirValidator validator,
    AccountStore accounts, PasswordHasher hasher, TimeProvider time) : IHostedService
{
    // start-up work for the server itself: the real store, not a request's guarded view
    private readonly IResourceStore store = trusted.Store;
    private readonly WritePipeline writes = new(trusted.Store, validator);

    public const string PortalClientId = "demo-portal";
    public const string BackendClientId = "demo-his";
    public const string PortalRedirectUri = "http://localhost:8080/demo/callback";

    private sealed record DemoUser(string Username, AccessRole Role, string? FhirUser, string? Organization);

    private static readonly DemoUser[] Users =
    [
        new("demo.citizen", AccessRole.Citizen, "Patient/demo-citizen", null),
        new("demo.doctor", AccessRole.Practitioner, "Practitioner/demo-doctor", "Organization/demo-hospital"),
        new("demo.nurse", AccessRole.Practitioner, "Practitioner/demo-nurse", "Organization/demo-hospital"),
        new("demo.pharmacist", AccessRole.Pharmacist, "Practitioner/demo-pharmacist", "Organization/demo-pharmacy"),
        new("demo.admin", AccessRole.Admin, null, null),
    ];

    public async Task StartAsync(CancellationToken ct)
    {
        if (!demo.Value.Enabled) return;
        await EnsureResourcesAsync(ct);
        var printed = new StringBuilder();
        printed.AppendLine().AppendLine("Demo accounts (new passwords at every start; never use them for real data):");
        foreach (var user in Users) printed.AppendLine($"  {user.Username,-16} {user.Role.ToClaim(),-13} {await EnsureUserAsync(user, ct)}");
        await EnsurePortalAsync(ct);
        var keyPath = await EnsureBackendClientAsync(ct);
        printed.AppendLine($"  client {PortalClientId}: public, PKCE, redirect {PortalRedirectUri}");
        printed.AppendLine($"  client {BackendClientId}: backend (system/*.cruds), private key (ES384 JWK) at {keyPath}");
        // the console, not the log: the passwords must not end up in log files or collectors
        Console.Out.WriteLine(printed.ToString());
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private async Task EnsureResourcesAsync(CancellationToken ct)
    {
        JsonObject[] resources =
        [
            new() { ["resourceType"] = "Organization", ["id"] = "demo-hospital", ["active"] = true, ["name"] = "Demo District Hospital (Guliston)" },
            new() { ["resourceType"] = "Organization", ["id"] = "demo-pharmacy", ["active"] = true, ["name"] = "Demo Pharmacy No. 1 (Guliston)" },
            // attached to the demo hospital as her polyclinic: the demo doctor and nurse have a care relationship with her
            WithGeneralPractitioner(Person("Patient", "demo-citizen", "Karimova", "Dilnoza", "female", "1988-04-12"), "Organization/demo-hospital"),
            Person("Practitioner", "demo-doctor", "Rahimov", "Aziz", "male", "1975-09-30"),
            Person("Practitioner", "demo-nurse", "Yusupova", "Madina", "female", "1992-01-17"),
            Person("Practitioner", "demo-pharmacist", "Tursunov", "Bekzod", "male", "1985-06-05"),
        ];
        foreach (var resource in resources)
        {
            var type = (string)resource["resourceType"]!;
            var id = (string)resource["id"]!;
            if (await store.ReadAsync(type, id, ct) is { IsDeleted: false }) continue;
            await writes.UpdateAsync(type, id, Encoding.UTF8.GetBytes(resource.ToJsonString()), null, ct);
        }
    }

    private static JsonObject Person(string type, string id, string family, string given, string gender, string birthDate) => new()
    {
        ["resourceType"] = type,
        ["id"] = id,
        ["active"] = true,
        ["name"] = new JsonArray(new JsonObject { ["family"] = family, ["given"] = new JsonArray(given) }),
        ["gender"] = gender,
        ["birthDate"] = birthDate,
    };

    private static JsonObject WithGeneralPractitioner(JsonObject patient, string reference)
    {
        patient["generalPractitioner"] = new JsonArray(new JsonObject { ["reference"] = reference });
        return patient;
    }

    /// <summary>Creates the user or renews its password; returns the new password.</summary>
    private async Task<string> EnsureUserAsync(DemoUser demoUser, CancellationToken ct)
    {
        var password = Base64Url.Encode(RandomNumberGenerator.GetBytes(12));
        var hash = hasher.Hash(password);
        if (await accounts.FindUserByNameAsync(demoUser.Username, ct) is { } existing)
        {
            await accounts.SetPasswordAsync(existing.Id, hash, ct);
            return password;
        }
        await accounts.AddUserAsync(new UserAccount
        {
            Id = demoUser.Username.Replace('.', '-'),
            Username = demoUser.Username,
            PasswordHash = hash,
            Role = demoUser.Role.ToClaim(),
            FhirUser = demoUser.FhirUser,
            Organization = demoUser.Organization,
            Demo = true,
            CreatedAt = time.GetUtcNow(),
        }, ct);
        return password;
    }

    private async Task EnsurePortalAsync(CancellationToken ct)
    {
        var portal = new ClientRegistration
        {
            ClientId = PortalClientId,
            Name = "Shifo demo portal",
            Kind = ClientKinds.Public,
            RedirectUris = [PortalRedirectUri],
            PostLogoutRedirectUris = ["http://localhost:8080/"],
            Scopes = "patient/*.cruds user/*.cruds openid fhirUser offline_access launch/patient",
            Demo = true,
            CreatedAt = time.GetUtcNow(),
        };
        if (!await accounts.AddClientAsync(portal, ct)) await accounts.ReplaceClientAsync(portal, ct);
    }

    /// <summary>Registers demo-his with a fresh ES384 key and writes the private JWK (mode 600); returns its path.</summary>
    private async Task<string> EnsureBackendClientAsync(CancellationToken ct)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var kid = "demo-his-" + Base64Url.Encode(RandomNumberGenerator.GetBytes(6));
        var publicJwk = new JsonObject();
        foreach (var (name, value) in Jwk.FromPublicKey(key, kid, "ES384")) publicJwk[name] = value?.ToString();
        var privateJwk = publicJwk.DeepClone().AsObject();
        privateJwk["d"] = Base64Url.Encode(key.ExportParameters(true).D);

        var dataDir = Path.GetDirectoryName(Path.GetFullPath(storeOptions.SqlitePath)) ?? Path.GetFullPath("data");
        var path = Path.Combine(dataDir, "demo", "demo-his.private.jwk.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var file = new FileStream(path, fileOptions))
            await file.WriteAsync(Encoding.UTF8.GetBytes(privateJwk.ToJsonString()), ct);

        var client = new ClientRegistration
        {
            ClientId = BackendClientId,
            Name = "Demo hospital information system",
            Kind = ClientKinds.Backend,
            Jwks = new JsonObject { ["keys"] = new JsonArray(publicJwk) }.ToJsonString(),
            Role = AccessRole.System.ToClaim(),
            Organization = "Organization/demo-hospital",
            Scopes = "system/*.cruds",
            Demo = true,
            CreatedAt = time.GetUtcNow(),
        };
        if (!await accounts.AddClientAsync(client, ct)) await accounts.ReplaceClientAsync(client, ct);
        return path;
    }
}
