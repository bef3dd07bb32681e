using System.Text.Json.Nodes;
using Shifo.Server.Security.Tokens;

namespace Shifo.Server.Security.AuthServer;

/// <summary>POST /auth/token: client_credentials (backend clients), authorization_code (PKCE) and refresh_token.</summary>
public static class TokenEndpoint
{
    public static async Task Handle(HttpContext context, ClientCredentialsGrant clientCredentials, UserTokenGrants userGrants)
    {
        try
        {
            var form = await AuthForms.ReadAsync(context.Request);
            var baseUrl = SecurityUrls.Base(context.Request);
            JsonObject answer = AuthForms.Single(form, "grant_type") switch
            {
                "client_credentials" => await clientCredentials.GrantAsync(form, baseUrl, context.RequestAborted),
                "authorization_code" => await userGrants.ExchangeCodeAsync(form, baseUrl, context.RequestAborted),
                "refresh_token" => await userGrants.RefreshAsync(form, baseUrl, context.RequestAborted),
                null => throw OAuthException.InvalidRequest("grant_type is required."),
                _ => throw new OAuthException(400, "unsupported_grant_type", "grant_type must be client_credentials, authorization_code or refresh_token."),
            };
            await OAuthResponses.JsonAsync(context, StatusCodes.Status200OK, answer);
        }
        catch (OAuthException ex)
        {
            await OAuthResponses.ErrorAsync(context, ex.Status, ex.Error, ex.Message);
        }
    }

    /// <summary>The token response of RFC 6749 §5.1 with SMART's extra fields.</summary>
    public static JsonObject Response(AccessTokenIssuer.IssuedToken token, string scope, DateTimeOffset now, string? refreshToken = null, string? patient = null)
    {
        var answer = new JsonObject
        {
            ["access_token"] = token.Token,
            ["token_type"] = "Bearer",
            ["expires_in"] = Math.Max(0, (long)(token.ExpiresAt - now).TotalSeconds),
            ["scope"] = scope,
        };
        if (refreshToken is not null) answer["refresh_token"] = refreshToken;
        if (patient is not null) answer["patient"] = patient;
        return answer;
    }
}
