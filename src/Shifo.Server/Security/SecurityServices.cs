using Shifo.Server.Security.Accounts;
using Shifo.Server.Security.Audit;
using Shifo.Server.Security.Enforcement;
using Shifo.Server.Security.AuthServer;
using Shifo.Server.Security.Passwords;
using Shifo.Server.Security.Tokens;
using Shifo.Storage;
using Shifo.Storage.Accounts;

namespace Shifo.Server.Security;

/// <summary>Registers authentication, authorization, consent and audit.</summary>
public static class SecurityServices
{
    public static IServiceCollection AddShifoSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SecurityOptions>(configuration.GetSection("Security"));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new AccountStore(sp.GetRequiredService<Enforcement.TrustedStore>().Store));
        // keys in the database: every node signs and verifies with the same ring, and tokens survive a restart
        services.AddSingleton<ISigningKeyStore, DatabaseSigningKeyStore>();
        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton<AccessTokenValidator>();
        services.AddAuditTrail(configuration);

        // enforcement: request handlers see IResourceStore as the request's guarded view of the TrustedStore
        services.AddHttpContextAccessor();
        services.AddSingleton<PatientCompartment>();
        services.AddSingleton<CareRelationships>();
        services.AddSingleton<PatientAccess>();
        services.AddSingleton<ExportConsent>();
        services.AddSingleton<SearchRules>();
        services.AddScoped<RequestGuard>();
        services.AddScoped<GuardedSearch>();
        services.AddScoped<IResourceStore, GuardedResourceStore>();
        services.AddAuthServer();
        return services;
    }

    private static void AddAuthServer(this IServiceCollection services)
    {
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<LoginFormToken>();
        services.AddSingleton<ClientAssertionVerifier>();
        services.AddSingleton<ClientCredentialsGrant>();
        services.AddSingleton<UserTokenGrants>();
        services.AddSingleton<AuthorizeEndpoint>();
        services.AddSingleton<SessionEndpoints>();
        services.AddSingleton<AdminEndpoints>();
        services.AddSingleton<AdminAccess>();
    }
}
