using Microsoft.Extensions.Options;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Passwords;
using Shifo.Server.Security.Scopes;
using Shifo.Server.Security.Tokens;
using Shifo.Storage.Accounts;

namespace Shifo.Server.Security.AuthServer;

/// <summary>
/// GET /auth/authorize checks a SMART authorization request and shows the sign-in form; POST /auth/authorize checks
/// the credentials and sends the browser back with a one-time code. A bad client or redirect_uri is shown as a page
/// (redirecting there would hand an attacker the answer); other errors go back to the app as error=...
/// </summary>
public sealed class AuthorizeEndpoint(AccountStore accounts, LoginFormToken formTokens, LoginThrottle throttle, IOptions<SecurityOptions> options, TimeProvider time)
{
    public async Task GetAsync(HttpContext context)
    {
        var query = context.Request.Query;
        string? Param(string name) => query[name].Count == 1 && query[name][0] is { Length: > 0 } v ? v : null;

        var client = Param("client_id") is { } clientId ? await accounts.FindClientAsync(clientId, context.RequestAborted) : null;
        if (client is null || !client.Active || client.Kind != ClientKinds.Public)
        {
            await AuthPages.MessageAsync(context, 400, "Unknown application", "The application that sent you here is not registered with Shifo (client_id).");
            return;
        }
        if (Param("redirect_uri") is not { } redirectUri || !client.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
        {
            await AuthPages.MessageAsync(context, 400, "Unknown return address", "The application's redirect_uri is not one it registered with Shifo.");
            return;
        }
        var state = Param("state");
        var baseUrl = SecurityUrls.Base(context.Request);
        string? error = null, description = null;
        if (Param("response_type") != "code") (error, description) = ("unsupported_response_type", "response_type must be code.");
        else if (Param("code_challenge") is not { Length: >= 43 and <= 128 } || Param("code_challenge_method") != "S256")
            (error, description) = ("invalid_request", "PKCE is required: code_challenge with code_challenge_method=S256.");
        else if (Param("aud") != SecurityUrls.Audience(baseUrl)) (error, description) = ("invalid_request", $"aud must be {SecurityUrls.Audience(baseUrl)}.");
        else if (Param("scope") is null) (error, description) = ("invalid_scope", "scope is required.");
        if (error is not null)
        {
            RedirectBack(context, redirectUri, state, ("error", error), ("error_description", description!));
            return;
        }

        var request = new AuthorizeRequest(client.ClientId, redirectUri, Param("scope")!, state, Param("code_challenge")!);
        await AuthPages.LoginAsync(context, 200, client.Name, await formTokens.IssueAsync(context, request), null);
    }

    public async Task PostAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        IFormCollection form;
        try
        {
            form = await AuthForms.ReadAsync(context.Request);
        }
        catch (OAuthException)
        {
            await AuthPages.MessageAsync(context, 400, "Sign-in failed", "The sign-in form was not sent as a form.");
            return;
        }
        var formToken = form["form_token"].Count == 1 ? form["form_token"][0] : null;
        var request = await formTokens.ReadAsync(context, formToken);
        var client = request is null ? null : await accounts.FindClientAsync(request.ClientId, ct);
        if (request is null || client is null || !client.Active || !client.RedirectUris.Contains(request.RedirectUri, StringComparer.Ordinal))
        {
            await AuthPages.MessageAsync(context, 400, "Sign-in expired", "This sign-in form is no longer valid. Go back to the application and start again.");
            return;
        }

        var username = form["username"].Count == 1 ? form["username"][0] ?? "" : "";
        var password = form["password"].Count == 1 ? form["password"][0] ?? "" : "";
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var (outcome, user) = await throttle.SignInAsync(username, password, address, ct);
        if (outcome == LoginThrottle.Outcome.AddressThrottled)
        {
            await AuthPages.LoginAsync(context, 429, client.Name, formToken!, "Too many failed sign-ins from your network. Wait a few minutes and try again.", username);
            return;
        }
        if (user is null || AccessRoles.FromClaim(user.Role) is not { } role)
        {
            await AuthPages.LoginAsync(context, 401, client.Name, formToken!, "The username or password is wrong, or the account is locked for a while.", username);
            return;
        }

        var requested = ScopeSet.Parse(request.Scope);
        var byRole = ScopeGrants.Intersect(requested, ScopeSet.Parse(ScopeGrants.ForRole(role)), ScopeContext.Patient, ScopeContext.User);
        var granted = ScopeGrants.Intersect(byRole, ScopeSet.Parse(client.Scopes), ScopeContext.Patient, ScopeContext.User);
        if (granted.ResourceScopes.Count == 0 && role != AccessRole.Admin)
        {
            RedirectBack(context, request.RedirectUri, request.State, ("error", "invalid_scope"), ("error_description", "None of the requested scopes is open to this account and application."));
            return;
        }
        // a citizen's token is bound to their own record: the SMART launch context patient
        string? patient = role == AccessRole.Citizen && user.FhirUser is { } fhirUser && fhirUser.StartsWith("Patient/", StringComparison.Ordinal) ? fhirUser["Patient/".Length..] : null;

        var code = Secrets.New();
        await accounts.AddCodeAsync(new AuthorizationCode
        {
            CodeHash = Secrets.Hash(code),
            ClientId = client.ClientId,
            UserId = user.Id,
            RedirectUri = request.RedirectUri,
            Scope = granted.ToString(),
            CodeChallenge = request.CodeChallenge,
            Patient = patient,
            ExpiresAt = time.GetUtcNow() + options.Value.AuthorizationCodeLifetime,
        }, ct);
        RedirectBack(context, request.RedirectUri, request.State, ("code", code));
    }

    private static void RedirectBack(HttpContext context, string redirectUri, string? state, params (string Name, string Value)[] parameters)
    {
        var all = state is null ? parameters : [.. parameters, ("state", state)];
        var query = string.Join('&', all.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
        OAuthResponses.NoStore(context.Response);
        context.Response.Redirect(redirectUri + (redirectUri.Contains('?') ? "&" : "?") + query);
    }
}
