using Microsoft.Extensions.Options;

namespace Shifo.Server.Security.Audit;

/// <summary>Registers the audit trail: the AuditEvent builder, the bounded queue and its background writer.</summary>
public static class AuditServices
{
    public static IServiceCollection AddAuditTrail(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuditOptions>(configuration.GetSection("Security:Audit"));
        services.AddSingleton(sp => new AuditNode(sp.GetRequiredService<IOptions<AuditOptions>>()));
        services.AddSingleton<AuditEventBuilder>();
        services.AddSingleton(sp => new AuditQueue(sp.GetRequiredService<IOptions<AuditOptions>>()));
        // the writer works for the server, not for a request: the real store, not the request's guarded view
        services.AddSingleton(sp => new AuditWriter(sp.GetRequiredService<AuditQueue>(), sp.GetRequiredService<AuditEventBuilder>(),
            sp.GetRequiredService<Enforcement.TrustedStore>().Store, sp.GetRequiredService<IOptions<AuditOptions>>(), sp.GetRequiredService<ILogger<AuditWriter>>()));
        // registered after the store's initializer, so stopped before the store goes away: the queue drains into it
        services.AddHostedService(sp => sp.GetRequiredService<AuditWriter>());
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<IAuditTrail>(sp => sp.GetRequiredService<AuditTrail>());
        return services;
    }
}
