using Shifo.Server.Security.Audit;
using Shifo.Server.Security.Enforcement;
using Shifo.Server.Security.Tokens;

using Shifo.Storage;

namespace Shifo.Server.Security;

/// <summary>Registers authentication, authorization, consent and audit.</summary>
public static class SecurityServices
{
    public static IServiceCollection AddShifoSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SecurityOptions>(configuration.GetSection("Security"));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ISigningKeyStore, InMemorySigningKeyStore>();
        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton<AccessTokenValidator>();
        services.AddAuditTrail(configuration);

        // enforcement: request handlers see IResourceStore as the request's guarded view of the TrustedStore
        services.AddHttpContextAccessor();
        services.AddSingleton<PatientCompartment>();
        services.AddSingleton<CareRelationships>();
        services.AddSingleton<PatientAccess>();
        services.AddSingleton<SearchRules>();
        services.AddScoped<RequestGuard>();
        services.AddScoped<GuardedSearch>();
        services.AddScoped<IResourceStore, GuardedResourceStore>();
        return services;
    }
}
