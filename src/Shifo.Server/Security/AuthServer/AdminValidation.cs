using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Passwords;
using Shifo.Server.Security.Scopes;
using Shifo.Server.Security.Tokens;
using Shifo.Storage.Accounts;

namespace Shifo.Server.Security.AuthServer;

/// <summary>Checks the JSON of new users and clients; returns the record, or null with every problem found.</summary>
public static partial class AdminValidation
{
    public const int MinPasswordLength = 12;

    public static (UserAccount? User, List<string> Errors) User(JsonObject body, PasswordHasher hasher, DateTimeOffset now)
    {
        var errors = new List<string>();
        var username = Text(body, "username", errors, required: true);
        if (username is not null && !Username().IsMatch(username)) errors.Add("username must be 3 to 64 letters, digits or . _ @ -.");
        var password = Text(body, "password", errors, required: true);
        if (password is not null && password.Length is < MinPasswordLength or > 256) errors.Add($"password must have {MinPasswordLength} to 256 characters.");
        var role = AccessRoles.FromClaim(Text(body, "role", errors, required: true));
        if (role is null or AccessRole.System or AccessRole.ThirdParty) errors.Add("role must be citizen, practitioner, pharmacist or admin.");
        var fhirUser = Text(body, "fhirUser", errors, required: false);
        var expectedType = role switch
        {
            AccessRole.Citizen => "Patient",
            AccessRole.Practitioner or AccessRole.Pharmacist => "Practitioner",
            _ => null,
        };
        if (expectedType is not null && (fhirUser is null || !Reference().IsMatch(fhirUser) || !fhirUser.StartsWith(expectedType + "/", StringComparison.Ordinal)))
            errors.Add($"fhirUser must be a {expectedType}/[id] reference for this role.");
        else if (fhirUser is not null && !Reference().IsMatch(fhirUser)) errors.Add("fhirUser must be a relative reference Type/id.");
        var organization = Text(body, "organization", errors, required: false);
        if (organization is not null && !(Reference().IsMatch(organization) && organization.StartsWith("Organization/", StringComparison.Ordinal)))
            errors.Add("organization must be an Organization/[id] reference.");
        var active = Flag(body, "active", errors) ?? true;
        if (errors.Count > 0) return (null, errors);
        return (new UserAccount
        {
            Id = Guid.NewGuid().ToString("N"),
            Username = username!,
            PasswordHash = hasher.Hash(password!),
            Role = role!.Value.ToClaim(),
            FhirUser = fhirUser,
            Organization = organization,
            Active = active,
            CreatedAt = now,
        }, errors);
    }

    public static (ClientRegistration? Client, List<string> Errors) Client(JsonObject body, DateTimeOffset now)
    {
        var errors = new List<string>();
        var clientId = Text(body, "client_id", errors, required: false) ?? Guid.NewGuid().ToString("N");
        if (!ClientId().IsMatch(clientId)) errors.Add("client_id must be 3 to 64 letters, digits or . _ -.");
        var name = Text(body, "name", errors, required: true);
        if (name is not null && name.Length > 200) errors.Add("name must have at most 200 characters.");
        var kind = Text(body, "kind", errors, required: true);
        var scope = Text(body, "scope", errors, required: true);
        var organization = Text(body, "organization", errors, required: false);
        if (organization is not null && !(Reference().IsMatch(organization) && organization.StartsWith("Organization/", StringComparison.Ordinal)))
            errors.Add("organization must be an Organization/[id] reference.");
        var redirects = Uris(body, "redirect_uris", errors);
        var logoutRedirects = Uris(body, "post_logout_redirect_uris", errors);
        var role = Text(body, "role", errors, required: false);
        string? jwks = null;
        var contexts = kind switch
        {
            ClientKinds.Backend => new[] { ScopeContext.System },
            ClientKinds.Public => [ScopeContext.Patient, ScopeContext.User],
            _ => [],
        };
        if (kind == ClientKinds.Backend)
        {
            if (role is not ("system" or "third-party")) errors.Add("a backend client needs role system or third-party.");
            if (redirects.Count > 0 || logoutRedirects.Count > 0) errors.Add("a backend client has no redirect URIs.");
            jwks = PublicKeys(body, errors);
        }
        else if (kind == ClientKinds.Public)
        {
            if (role is not null) errors.Add("a public client has no role: its tokens carry the signed-in user's.");
            if (redirects.Count == 0) errors.Add("a public client needs at least one redirect URI.");
            if (body.ContainsKey("jwks")) errors.Add("a public client has no keys.");
        }
        else if (kind is not null) errors.Add("kind must be backend or public.");
        if (scope is not null)
            foreach (var word in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (ScopeGrants.PassThroughWords.Contains(word) && kind == ClientKinds.Public) continue;
                if (!SmartScope.TryParse(word, out var s) || !contexts.Contains(s!.Context)) errors.Add($"scope '{word}' is not a scope a {kind} client may hold.");
            }
        if (errors.Count > 0) return (null, errors);
        return (new ClientRegistration
        {
            ClientId = clientId,
            Name = name!,
            Kind = kind!,
            Jwks = jwks,
            RedirectUris = redirects,
            PostLogoutRedirectUris = logoutRedirects,
            Role = role,
            Organization = organization,
            Scopes = scope!,
            CreatedAt = now,
        }, errors);
    }

    /// <summary>
    /// The client's JWKS rebuilt from the public numbers only (anything else in the keys is dropped): each key must be
    /// an RSA key of 2048 bits or more or an EC P-256/P-384 key, with no private part, and a kid of its own.
    /// </summary>
    private static string? PublicKeys(JsonObject body, List<string> errors)
    {
        if (body["jwks"] is not JsonObject set || set["keys"] is not JsonArray { Count: > 0 } keys)
        {
            errors.Add("a backend client needs jwks with at least one public key (keys).");
            return null;
        }
        var published = new JsonArray();
        var kids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in keys)
        {
            using var doc = JsonDocument.Parse(node?.ToJsonString() ?? "null");
            var jwk = doc.RootElement;
            foreach (var privatePart in new[] { "p", "q", "dp", "dq", "qi", "k" })
                if (jwk.ValueKind == JsonValueKind.Object && jwk.TryGetProperty(privatePart, out _)) { errors.Add($"a key carries private parts ({privatePart}); register public keys only."); return null; }
            using var key = Jwk.ToPublicKey(jwk, out var error);
            if (key is null) { errors.Add(error ?? "a key is not valid."); return null; }
            var kid = jwk.TryGetProperty("kid", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            if (kid is not { Length: > 0 and <= 128 } || !kids.Add(kid)) { errors.Add("every key needs a kid of its own."); return null; }
            var alg = jwk.TryGetProperty("alg", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            var expected = key is System.Security.Cryptography.RSA ? "RS384" : key.KeySize == 384 ? "ES384" : "ES256";
            alg ??= expected;
            if (alg != expected) { errors.Add($"key {kid}: alg must be {expected} for its kind of key."); return null; }
            var publicJwk = new JsonObject();
            foreach (var (name, value) in Jwk.FromPublicKey(key, kid, alg)) publicJwk[name] = value?.ToString();
            published.Add(publicJwk);
        }
        return new JsonObject { ["keys"] = published }.ToJsonString();
    }

    private static List<string> Uris(JsonObject body, string name, List<string> errors)
    {
        var list = new List<string>();
        if (body[name] is null) return list;
        if (body[name] is not JsonArray array) { errors.Add($"{name} must be an array of URIs."); return list; }
        foreach (var item in array)
        {
            var text = item is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            if (text is null || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Fragment.Length > 0 || text.Length > 2000)
                errors.Add($"{name} must hold absolute http(s) URIs without fragment.");
            else list.Add(text);
        }
        return list;
    }

    private static string? Text(JsonObject body, string name, List<string> errors, bool required)
    {
        var node = body[name];
        if (node is null)
        {
            if (required) errors.Add($"{name} is required.");
            return null;
        }
        if (node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0) return s;
        errors.Add($"{name} must be a non-empty string.");
        return null;
    }

    private static bool? Flag(JsonObject body, string name, List<string> errors)
    {
        var node = body[name];
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<bool>(out var b)) return b;
        errors.Add($"{name} must be true or false.");
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9._@-]{3,64}$")]
    private static partial Regex Username();

    [GeneratedRegex("^[A-Za-z0-9._-]{3,64}$")]
    private static partial Regex ClientId();

    [GeneratedRegex("^[A-Z][A-Za-z]+/[A-Za-z0-9.-]{1,64}$")]
    private static partial Regex Reference();
}
