namespace Shifo.Server.Security.AuthServer;

/// <summary>The OAuth 2.0 / SMART on FHIR authorization server under /auth, and its discovery documents.</summary>
public static class AuthServerRoutes
{
    public static void MapAuthServer(this WebApplication app)
    {
        app.MapGet("/.well-known/smart-configuration", DiscoveryEndpoints.SmartConfiguration);
        // SMART looks for it relative to the FHIR base
        app.MapGet("/fhir/.well-known/smart-configuration", DiscoveryEndpoints.SmartConfiguration);

        var auth = app.MapGroup("/auth");
        auth.MapGet("/jwks", DiscoveryEndpoints.Jwks);
        auth.MapPost("/token", TokenEndpoint.Handle);
        auth.MapGet("/authorize", (HttpContext c, AuthorizeEndpoint e) => e.GetAsync(c));
        auth.MapPost("/authorize", (HttpContext c, AuthorizeEndpoint e) => e.PostAsync(c)).DisableAntiforgery();
        auth.MapPost("/revoke", (HttpContext c, SessionEndpoints e) => e.RevokeAsync(c));
        auth.MapMethods("/logout", ["GET", "POST"], (HttpContext c, SessionEndpoints e) => e.LogoutAsync(c));

        var admin = auth.MapGroup("/admin").AddEndpointFilter<AdminAccess>();
        admin.MapPost("/users", (HttpContext c, AdminEndpoints e) => e.CreateUserAsync(c));
        admin.MapGet("/users", (HttpContext c, AdminEndpoints e) => e.ListUsersAsync(c));
        admin.MapPost("/clients", (HttpContext c, AdminEndpoints e) => e.CreateClientAsync(c));
        admin.MapGet("/clients", (HttpContext c, AdminEndpoints e) => e.ListClientsAsync(c));
        admin.MapPost("/demo/deactivate", (HttpContext c, AdminEndpoints e) => e.DeactivateDemoAsync(c));
        admin.MapPost("/keys/rotate", (HttpContext c, AdminEndpoints e) => e.RotateKeyAsync(c));
    }
}
