using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Audit;
using Shifo.Server.Security.Tokens;
using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Security;

/// <summary>An audit trail that keeps what enforcement reports, so that tests can check refusals and emergencies.</summary>
public sealed class RecordingAuditTrail : IAuditTrail
{
    public ConcurrentQueue<(AccessContext Access, AuditRecord Record)> Records { get; } = new();

    public void Record(AccessContext access, AuditRecord record) => Records.Enqueue((access, record));

    /// <summary>A minimal valid AuditEvent about the patient, as the real trail will store it with the write.</summary>
    public ElementNode ForWrite(AccessContext access, AuditRecord record)
    {
        Records.Enqueue((access, record));
        var json = $$$"""
            {"resourceType":"AuditEvent",
             "type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},
             "recorded":"{{{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}}}",
             "agent":[{"requestor":true,"altId":"{{{access.ClientId}}}"}],
             "source":{"observer":{"display":"Shifo"}},
             "entity":[{"what":{"reference":"Patient/{{{record.Patient}}}"}}]}
            """;
        return FhirJsonParser.Parse(json).Resource!;
    }
}

/// <summary>The server with security on and a recording audit trail.</summary>
public interface ISecureServer
{
    ServerFixture Server { get; }
    RecordingAuditTrail Audit { get; }
}

public sealed class SecureSqliteServerFixture : SqliteServerFixture, ISecureServer
{
    public RecordingAuditTrail Audit { get; } = new();
    public ServerFixture Server => this;
    protected override bool SecurityEnabled => true;
    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IAuditTrail>(Audit);
}

public sealed class SecurePostgresServerFixture : PostgresServerFixture, ISecureServer
{
    public RecordingAuditTrail Audit { get; } = new();
    public ServerFixture Server => this;
    protected override bool SecurityEnabled => true;
    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IAuditTrail>(Audit);
}

/// <summary>Access tokens for the tests: minted by the server's own issuer, or forged in the ways an attacker would.</summary>
public static class TestTokens
{
    public static async Task<string> IssueAsync(ServerFixture server, AccessRole role, string scope, string? fhirUser = null,
        string? organization = null, string? patient = null)
    {
        var issuer = server.Services.GetRequiredService<AccessTokenIssuer>();
        var issued = await issuer.IssueAsync(new AccessTokenRequest
        {
            Subject = fhirUser ?? organization ?? "system-" + Guid.NewGuid().ToString("N")[..6],
            ClientId = "test-client",
            Role = role,
            Scope = scope,
            FhirUser = fhirUser,
            Organization = organization,
            Patient = patient,
        }, server.BaseUrl, CancellationToken.None);
        return issued.Token;
    }

    /// <summary>A token signed with the server's current key, with the given changes to an otherwise valid payload.</summary>
    public static async Task<string> SignedAsync(ServerFixture server, Action<Dictionary<string, object?>> change)
    {
        var key = await server.Services.GetRequiredService<SigningKeyRing>().CurrentAsync(CancellationToken.None);
        var payload = Payload(server);
        change(payload);
        return Jws.Sign(new Dictionary<string, object?> { ["typ"] = "JWT" }, payload, key.Key, key.Algorithm, key.Kid);
    }

    /// <summary>A valid-looking token signed with a key the server never had, under the server's own kid.</summary>
    public static async Task<string> ForeignKeyAsync(ServerFixture server)
    {
        var key = await server.Services.GetRequiredService<SigningKeyRing>().CurrentAsync(CancellationToken.None);
        using var foreign = RSA.Create(2048);
        return Jws.Sign(new Dictionary<string, object?> { ["typ"] = "JWT" }, Payload(server), foreign, "RS256", key.Kid);
    }

    /// <summary>alg "none" (no signature) or HS256 keyed with the server's public key: the classic confusions.</summary>
    public static async Task<string> UnsignedAsync(ServerFixture server, string alg)
    {
        var key = await server.Services.GetRequiredService<SigningKeyRing>().CurrentAsync(CancellationToken.None);
        var header = B64(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?> { ["alg"] = alg, ["typ"] = "JWT", ["kid"] = key.Kid }));
        var body = B64(JsonSerializer.SerializeToUtf8Bytes(Payload(server)));
        if (alg == "none") return $"{header}.{body}.";
        var secret = ((RSA)key.Key).ExportSubjectPublicKeyInfo();
        var mac = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes($"{header}.{body}"));
        return $"{header}.{body}.{B64(mac)}";
    }

    private static Dictionary<string, object?> Payload(ServerFixture server)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new Dictionary<string, object?>
        {
            ["iss"] = server.BaseUrl + "/auth",
            ["aud"] = server.BaseUrl + "/fhir",
            ["sub"] = "forged-" + Guid.NewGuid().ToString("N")[..8],
            ["client_id"] = "test-client",
            ["scope"] = "system/*.cruds",
            ["shifo_role"] = "system",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 600,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

[CollectionDefinition(Name)]
public sealed class SqliteEnforcementCollection : ICollectionFixture<SecureSqliteServerFixture>
{
    public const string Name = "Enforcement on SQLite";
}

[CollectionDefinition(Name)]
public sealed class PostgresEnforcementCollection : ICollectionFixture<SecurePostgresServerFixture>
{
    public const string Name = "Enforcement on PostgreSQL";
}
