using Microsoft.Extensions.Options;
using Shifo.Fhir.Outcomes;
using Shifo.Server.Http;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Tokens;

namespace Shifo.Server.Security.Authentication;

/// <summary>
/// Authenticates every request under /fhir (bulk status and files included) except the public ones
/// (/fhir/metadata, /fhir/.well-known/*): a valid bearer token of this server becomes the request's
/// <see cref="AccessContext"/>; no token or a bad one is a 401 OperationOutcome with a WWW-Authenticate challenge
/// (RFC 6750 §3). With security off every request acts as <see cref="AccessContext.Unrestricted"/>.
/// </summary>
public sealed class FhirAuthenticationMiddleware(RequestDelegate next, IOptions<SecurityOptions> options, AccessTokenValidator validator)
{
    public const string BreakGlassHeader = "X-Break-Glass-Reason";
    private const int MaxReasonLength = 500;

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/fhir", out var rest) || IsPublic(rest))
        {
            await next(context);
            return;
        }
        if (!options.Value.Enabled)
        {
            context.SetAccess(AccessContext.Unrestricted);
            await next(context);
            return;
        }

        var token = BearerToken(context.Request);
        if (token.IsEmpty)
        {
            await ChallengeAsync(context, null, "The request needs an access token: Authorization: Bearer <token>.");
            return;
        }
        var result = await validator.ValidateAsync(token, SecurityUrls.Base(context.Request, options.Value), context.RequestAborted);
        if (result.Access is not { } access)
        {
            await ChallengeAsync(context, "invalid_token", result.Error ?? "The access token is invalid.");
            return;
        }

        string? reason = null;
        if (context.Request.Headers.TryGetValue(BreakGlassHeader, out var header))
        {
            reason = header.ToString().Trim();
            if (reason.Length is 0 or > MaxReasonLength)
            {
                await RefuseAsync(context, $"{BreakGlassHeader} must give a reason of 1 to {MaxReasonLength} characters.");
                return;
            }
            if (access.Role is not (AccessRole.Practitioner or AccessRole.Pharmacist))
            {
                await RefuseAsync(context, "Only practitioners and pharmacists can break the glass.");
                return;
            }
        }
        context.SetAccess(access with { BreakGlassReason = reason, RemoteAddress = context.Connection.RemoteIpAddress?.ToString() });
        await next(context);
    }

    private static bool IsPublic(PathString rest) =>
        rest.Equals("/metadata", StringComparison.Ordinal) || rest.StartsWithSegments("/.well-known", StringComparison.Ordinal);

    /// <summary>The token of "Bearer TOKEN", as a slice of the header (not copied: the validator copies it only when it must check it); empty when none.</summary>
    private static ReadOnlyMemory<char> BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return ReadOnlyMemory<char>.Empty;
        return header.AsMemory(7).Trim();
    }

    private static Task ChallengeAsync(HttpContext context, string? error, string description)
    {
        // the description is ours (never the token); quotes are kept out of the quoted-string
        var challenge = "Bearer realm=\"shifo\"" + (error is null ? "" : $", error=\"{error}\", error_description=\"{description.Replace('"', '\'')}\"");
        context.Response.Headers.WWWAuthenticate = challenge;
        return FhirResponses.WriteOutcomeAsync(context, StatusCodes.Status401Unauthorized, [Issue.Error("login", null, description)]);
    }

    private static Task RefuseAsync(HttpContext context, string message) =>
        FhirResponses.WriteOutcomeAsync(context, StatusCodes.Status400BadRequest, [Issue.Error("invalid", null, message)]);
}
