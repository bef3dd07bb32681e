using System.Text.Json.Nodes;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Scopes;
using Shifo.Server.Security.Tokens;

namespace Shifo.Server.Security.AuthServer;

/// <summary>
/// SMART Backend Services: a backend client proves itself with a signed assertion and gets the system/ scopes it
/// asked for, cut down to those it is registered for; the token's role and organization are the client's.
/// </summary>
public sealed class ClientCredentialsGrant(ClientAssertionVerifier verifier, AccessTokenIssuer issuer, TimeProvider time)
{
    public async Task<JsonObject> GrantAsync(IFormCollection form, string baseUrl, CancellationToken ct)
    {
        if (AuthForms.Single(form, "client_assertion_type") != ClientAssertionVerifier.AssertionType)
            throw OAuthException.InvalidClient($"client_assertion_type must be {ClientAssertionVerifier.AssertionType}.");
        var assertion = AuthForms.Single(form, "client_assertion") ?? throw OAuthException.InvalidClient("client_assertion is required.");
        var client = await verifier.VerifyAsync(assertion, baseUrl + "/auth/token", ct);
        if (AuthForms.Single(form, "client_id") is { } named && named != client.ClientId)
            throw OAuthException.InvalidClient("client_id does not match the assertion's issuer.");

        var requested = ScopeSet.Parse(AuthForms.Single(form, "scope") ?? throw OAuthException.InvalidScope("scope is required."));
        // only resource scopes: openid, offline_access and the like mean nothing without a user
        var granted = ScopeSet.Parse(string.Join(' ', ScopeGrants.Intersect(requested, ScopeSet.Parse(client.Scopes), ScopeContext.System).ResourceScopes));
        if (granted.ResourceScopes.Count == 0) throw OAuthException.InvalidScope("None of the requested scopes is a system scope this client is registered for.");
        var role = AccessRoles.FromClaim(client.Role) is AccessRole.ThirdParty ? AccessRole.ThirdParty : AccessRole.System;

        var token = await issuer.IssueAsync(new AccessTokenRequest
        {
            Subject = client.ClientId,
            ClientId = client.ClientId,
            Role = role,
            Scope = granted.ToString(),
            Organization = client.Organization,
        }, baseUrl, ct);
        return TokenEndpoint.Response(token, granted.ToString(), time.GetUtcNow());
    }
}
