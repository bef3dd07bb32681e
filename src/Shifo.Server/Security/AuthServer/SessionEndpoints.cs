using Shifo.Server.Security.Tokens;
using Shifo.Storage.Accounts;

namespace Shifo.Server.Security.AuthServer;

/// <summary>POST /auth/revoke (RFC 7009) and GET|POST /auth/logout: ending what a sign-in started.</summary>
public sealed class SessionEndpoints(AccountStore accounts, AccessTokenValidator validator)
{
    /// <summary>
    /// Revokes a refresh token of the calling client. As RFC 7009 §2.2 says, an unknown or foreign token is answered
    /// 200 too: the answer must not tell whether a token exists. Access tokens are JWTs that live out their short
    /// lifetime (Security:AccessTokenLifetime): there is no list of them to strike one from.
    /// </summary>
    public async Task RevokeAsync(HttpContext context)
    {
        try
        {
            var form = await AuthForms.ReadAsync(context.Request);
            var token = AuthForms.Required(form, "token");
            var clientId = AuthForms.Required(form, "client_id");
            var client = await accounts.FindClientAsync(clientId, context.RequestAborted);
            if (client is null || !client.Active) throw OAuthException.InvalidClient("The client is unknown.");
            var record = await accounts.FindRefreshTokenAsync(Secrets.Hash(token), context.RequestAborted);
            if (record is not null && record.ClientId == clientId) await accounts.RevokeRefreshTokenAsync(record.TokenHash, context.RequestAborted);
            OAuthResponses.NoStore(context.Response);
            context.Response.StatusCode = StatusCodes.Status200OK;
        }
        catch (OAuthException ex)
        {
            await OAuthResponses.ErrorAsync(context, ex.Status, ex.Error, ex.Message);
        }
    }

    /// <summary>
    /// Signs the user out of one client: given a refresh_token, or an access token (token parameter or Authorization:
    /// Bearer), every refresh token of that user for that client is revoked. Then back to post_logout_redirect_uri
    /// when the client registered it, else a page saying so.
    /// </summary>
    public async Task LogoutAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        IFormCollection form;
        try
        {
            form = await AuthForms.ReadAsync(context.Request);
        }
        catch (OAuthException)
        {
            await AuthPages.MessageAsync(context, 400, "Sign-out failed", "The sign-out request was not sent as a form.");
            return;
        }
        string? Param(string name) => form[name].Count == 1 && form[name][0] is { Length: > 0 } f ? f
            : context.Request.Query[name].Count == 1 && context.Request.Query[name][0] is { Length: > 0 } q ? q : null;

        string? userId = null, clientId = null;
        if (Param("refresh_token") is { } refresh && await accounts.FindRefreshTokenAsync(Secrets.Hash(refresh), ct) is { } record)
            (userId, clientId) = (record.UserId, record.ClientId);
        var accessToken = Param("token") ?? Bearer(context.Request);
        if (userId is null && accessToken is not null)
        {
            var result = await validator.ValidateAsync(accessToken, SecurityUrls.Base(context.Request), ct);
            if (result.Access is { } access) (userId, clientId) = (access.Subject, access.ClientId);
        }
        if (userId is not null && clientId is not null) await accounts.RevokeUserClientAsync(userId, clientId, ct);

        clientId ??= Param("client_id");
        var client = clientId is null ? null : await accounts.FindClientAsync(clientId, ct);
        if (Param("post_logout_redirect_uri") is { } back && client is not null && client.PostLogoutRedirectUris.Contains(back, StringComparer.Ordinal))
        {
            OAuthResponses.NoStore(context.Response);
            context.Response.Redirect(Param("state") is { } state ? back + (back.Contains('?') ? "&" : "?") + "state=" + Uri.EscapeDataString(state) : back);
            return;
        }
        await AuthPages.MessageAsync(context, 200, "Signed out", "You are signed out of the application. You may close this window.");
    }

    private static string? Bearer(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } h && h.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && h.Length > 7 ? h[7..].Trim() : null;
}
