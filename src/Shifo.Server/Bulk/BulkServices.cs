using Microsoft.Extensions.Options;
using Shifo.Storage.Jobs;

namespace Shifo.Server.Bulk;

/// <summary>Registers bulk data: options, job store, the two job kinds and the background runner.</summary>
public static class BulkServices
{
    public static void AddBulkData(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<BulkOptions>(configuration.GetSection("Bulk"));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<BulkOptions>>().Value);
        services.AddSingleton<BulkFolders>();
        services.AddSingleton(sp => new JobStore(sp.GetRequiredService<Security.Enforcement.TrustedStore>().Store));
        services.AddSingleton<ExportJob>();
        services.AddSingleton<ImportJob>();
        services.AddSingleton<BulkJobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<BulkJobRunner>());
    }
}
