using System.Text.Json;
using System.Text.Json.Nodes;
using Shifo.Server.Security.Passwords;
using Shifo.Server.Security.Tokens;
using Shifo.Storage.Accounts;

namespace Shifo.Server.Security.AuthServer;

/// <summary>
/// /auth/admin: users, clients and signing keys, JSON in and out. Input is checked by <see cref="AdminValidation"/>
/// (400 with every problem listed); lists never show password hashes.
/// </summary>
public sealed class AdminEndpoints(AccountStore accounts, PasswordHasher hasher, SigningKeyRing keys, TimeProvider time)
{
    public async Task CreateUserAsync(HttpContext context)
    {
        if (await ReadJsonAsync(context) is not { } body) return;
        var (user, errors) = AdminValidation.User(body, hasher, time.GetUtcNow());
        if (user is null) { await InvalidAsync(context, errors); return; }
        if (!await accounts.AddUserAsync(user, context.RequestAborted))
        {
            await OAuthResponses.ErrorAsync(context, 409, "invalid_request", "The username is taken.");
            return;
        }
        await OAuthResponses.JsonAsync(context, 201, UserJson(user));
    }

    public async Task ListUsersAsync(HttpContext context) =>
        await OAuthResponses.JsonAsync(context, 200, new JsonObject
        {
            ["users"] = new JsonArray((await accounts.ListUsersAsync(context.RequestAborted)).Select(u => (JsonNode)UserJson(u)).ToArray()),
        });

    public async Task CreateClientAsync(HttpContext context)
    {
        if (await ReadJsonAsync(context) is not { } body) return;
        var (client, errors) = AdminValidation.Client(body, time.GetUtcNow());
        if (client is null) { await InvalidAsync(context, errors); return; }
        if (!await accounts.AddClientAsync(client, context.RequestAborted))
        {
            await OAuthResponses.ErrorAsync(context, 409, "invalid_request", "The client_id is taken.");
            return;
        }
        await OAuthResponses.JsonAsync(context, 201, ClientJson(client));
    }

    public async Task ListClientsAsync(HttpContext context) =>
        await OAuthResponses.JsonAsync(context, 200, new JsonObject
        {
            ["clients"] = new JsonArray((await accounts.ListClientsAsync(context.RequestAborted)).Select(c => (JsonNode)ClientJson(c)).ToArray()),
        });

    /// <summary>Switches every demo user and client off (before going to production, which refuses active ones).</summary>
    public async Task DeactivateDemoAsync(HttpContext context) =>
        await OAuthResponses.JsonAsync(context, 200, new JsonObject { ["deactivated"] = await accounts.DeactivateDemoAccountsAsync(context.RequestAborted) });

    public async Task RotateKeyAsync(HttpContext context)
    {
        var key = await keys.RotateAsync(context.RequestAborted);
        await OAuthResponses.JsonAsync(context, 200, new JsonObject { ["kid"] = key.Kid, ["alg"] = key.Algorithm, ["created_at"] = key.CreatedAt.ToString("O") });
    }

    private const long MaxBodyBytes = 256 * 1024;

    private static JsonObject UserJson(UserAccount u) => new()
    {
        ["id"] = u.Id, ["username"] = u.Username, ["role"] = u.Role, ["fhirUser"] = u.FhirUser, ["organization"] = u.Organization,
        ["active"] = u.Active, ["demo"] = u.Demo, ["locked"] = u.LockedUntil is not null,
    };

    private static JsonObject ClientJson(ClientRegistration c) => new()
    {
        ["client_id"] = c.ClientId, ["name"] = c.Name, ["kind"] = c.Kind, ["role"] = c.Role, ["organization"] = c.Organization,
        ["scope"] = c.Scopes, ["redirect_uris"] = new JsonArray(c.RedirectUris.Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
        ["post_logout_redirect_uris"] = new JsonArray(c.PostLogoutRedirectUris.Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
        ["jwks"] = c.Jwks is null ? null : JsonNode.Parse(c.Jwks), ["active"] = c.Active, ["demo"] = c.Demo,
    };

    private static async Task<JsonObject?> ReadJsonAsync(HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            await OAuthResponses.ErrorAsync(context, 415, "invalid_request", "The body must be application/json.");
            return null;
        }
        if (context.Request.ContentLength is null or > MaxBodyBytes)
        {
            await OAuthResponses.ErrorAsync(context, context.Request.ContentLength is null ? 411 : 413, "invalid_request", $"The body must state its length and be at most {MaxBodyBytes} bytes.");
            return null;
        }
        try
        {
            if (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) is JsonObject body) return body;
        }
        catch (JsonException)
        {
        }
        await OAuthResponses.ErrorAsync(context, 400, "invalid_request", "The body must be a JSON object.");
        return null;
    }

    private static Task InvalidAsync(HttpContext context, IReadOnlyList<string> errors) =>
        OAuthResponses.JsonAsync(context, 400, new JsonObject
        {
            ["error"] = "invalid_request",
            ["error_description"] = string.Join(" ", errors),
            ["errors"] = new JsonArray(errors.Select(e => (JsonNode)JsonValue.Create(e)).ToArray()),
        });
}
