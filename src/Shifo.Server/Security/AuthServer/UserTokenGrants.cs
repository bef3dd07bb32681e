using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Tokens;
using Shifo.Storage.Accounts;

namespace Shifo.Server.Security.AuthServer;

/// <summary>
/// Tokens for a signed-in person: an authorization code exchanged once (PKCE S256), and refresh tokens rotated at
/// each use. A code or refresh token presented a second time is taken as stolen: every refresh token of its family
/// is revoked.
/// </summary>
public sealed class UserTokenGrants(AccountStore accounts, AccessTokenIssuer issuer, IOptions<SecurityOptions> options, TimeProvider time)
{
    public async Task<JsonObject> ExchangeCodeAsync(IFormCollection form, string baseUrl, CancellationToken ct)
    {
        var code = AuthForms.Required(form, "code");
        var clientId = AuthForms.Required(form, "client_id");
        var redirectUri = AuthForms.Required(form, "redirect_uri");
        var verifier = AuthForms.Required(form, "code_verifier");
        await RequirePublicClientAsync(clientId, ct);

        var codeHash = Secrets.Hash(code);
        var taken = await accounts.TakeCodeAsync(codeHash, ct);
        if (taken.Record is not { } grant) throw OAuthException.InvalidGrant("The authorization code is unknown.");
        if (taken.AlreadyTaken)
        {
            await accounts.RevokeFamilyAsync(codeHash, ct);
            throw OAuthException.InvalidGrant("The authorization code was used before; the tokens issued from it are revoked.");
        }
        if (grant.ExpiresAt <= time.GetUtcNow()) throw OAuthException.InvalidGrant("The authorization code has expired.");
        if (grant.ClientId != clientId) throw OAuthException.InvalidGrant("The authorization code was issued to another client.");
        if (grant.RedirectUri != redirectUri) throw OAuthException.InvalidGrant("redirect_uri differs from the one of the authorization request.");
        if (!Secrets.PkceMatches(verifier, grant.CodeChallenge)) throw OAuthException.InvalidGrant("code_verifier does not match the code_challenge.");

        // the code's hash names the family of refresh tokens rotated from it
        return await IssueAsync(grant.UserId, clientId, grant.Scope, grant.Patient, familyId: codeHash, baseUrl, ct);
    }

    public async Task<JsonObject> RefreshAsync(IFormCollection form, string baseUrl, CancellationToken ct)
    {
        var refreshToken = AuthForms.Required(form, "refresh_token");
        var clientId = AuthForms.Required(form, "client_id");
        await RequirePublicClientAsync(clientId, ct);

        var taken = await accounts.TakeRefreshTokenAsync(Secrets.Hash(refreshToken), ct);
        if (taken.Record is not { } old || old.ClientId != clientId) throw OAuthException.InvalidGrant("The refresh token is unknown.");
        if (taken.AlreadyTaken)
        {
            await accounts.RevokeFamilyAsync(old.FamilyId, ct);
            throw OAuthException.InvalidGrant("The refresh token was revoked or used before; every token of its sign-in is now revoked.");
        }
        if (old.ExpiresAt <= time.GetUtcNow()) throw OAuthException.InvalidGrant("The refresh token has expired.");
        return await IssueAsync(old.UserId, clientId, old.Scope, old.Patient, old.FamilyId, baseUrl, ct);
    }

    private async Task RequirePublicClientAsync(string clientId, CancellationToken ct)
    {
        var client = await accounts.FindClientAsync(clientId, ct);
        if (client is null || !client.Active || client.Kind != ClientKinds.Public)
            throw OAuthException.InvalidClient("The client is unknown or not a registered public client.");
    }

    private async Task<JsonObject> IssueAsync(string userId, string clientId, string scope, string? patient, string familyId, string baseUrl, CancellationToken ct)
    {
        // the account is read afresh: a user deactivated or changed since sign-in gets no new token
        var user = await accounts.FindUserAsync(userId, ct);
        if (user is null || !user.Active || AccessRoles.FromClaim(user.Role) is not { } role) throw OAuthException.InvalidGrant("The user's account is not active.");
        var token = await issuer.IssueAsync(new AccessTokenRequest
        {
            Subject = user.Id,
            ClientId = clientId,
            Role = role,
            Scope = scope,
            FhirUser = user.FhirUser,
            Organization = user.Organization,
            Patient = patient,
        }, baseUrl, ct);
        var now = time.GetUtcNow();
        var refresh = Secrets.New();
        await accounts.AddRefreshTokenAsync(new RefreshTokenRecord
        {
            TokenHash = Secrets.Hash(refresh),
            FamilyId = familyId,
            ClientId = clientId,
            UserId = user.Id,
            Scope = scope,
            Patient = patient,
            ExpiresAt = now + options.Value.RefreshTokenLifetime,
        }, ct);
        return TokenEndpoint.Response(token, scope, now, refresh, patient);
    }
}
