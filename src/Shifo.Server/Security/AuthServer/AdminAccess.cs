using Shifo.Server.Security.Access;
using Shifo.Server.Security.Tokens;

namespace Shifo.Server.Security.AuthServer;

/// <summary>
/// Guards /auth/admin: a valid access token of this server (401 without one) whose role is Admin (403 otherwise).
/// The /fhir enforcement is separate; this endpoint group checks tokens itself.
/// </summary>
public sealed class AdminAccess(AccessTokenValidator validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            await OAuthResponses.ErrorAsync(context, 401, "invalid_token", "An access token (Authorization: Bearer) is required.");
            // the answer is written: nothing more to send
            return Results.Empty;
        }
        var result = await validator.ValidateAsync(header[7..].Trim(), SecurityUrls.Base(context.Request), context.RequestAborted);
        if (result.Access is not { } access)
        {
            await OAuthResponses.ErrorAsync(context, 401, "invalid_token", result.Error ?? "The access token is not valid.");
            return Results.Empty;
        }
        if (access.Role != AccessRole.Admin)
        {
            await OAuthResponses.ErrorAsync(context, 403, "insufficient_scope", "Only administrators may manage users, clients and keys.");
            return Results.Empty;
        }
        context.SetAccess(access with { RemoteAddress = context.Connection.RemoteIpAddress?.ToString() });
        return await next(invocation);
    }
}
