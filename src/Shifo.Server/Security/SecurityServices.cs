using Shifo.Server.Security.Audit;
using Shifo.Server.Security.Tokens;

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
        return services;
    }
}
