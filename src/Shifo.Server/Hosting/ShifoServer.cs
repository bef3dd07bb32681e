using Shifo.Fhir.Validation;
using Shifo.Server.Bulk;
using Shifo.Server.Capability;
using Shifo.Server.Endpoints;
using Shifo.Server.Http;
using Shifo.Server.Pipeline;
using Shifo.Server.Security;
using Shifo.Server.Security.Authentication;
using Shifo.Server.Security.Enforcement;
using Shifo.Server.Security.AuthServer;
using Shifo.Server.Security.Hardening;
using Shifo.Storage;

namespace Shifo.Server.Hosting;

/// <summary>
/// Builds the Shifo web application. Configuration: appsettings.json, then environment variables with the SHIFO_
/// prefix (SHIFO_Urls, SHIFO_Store__Provider, ...), then the command line, then <paramref name="overrides"/> (tests).
/// The default address is http://localhost:8080. <paramref name="services"/> may replace registrations (tests: a
/// recording audit trail).
/// </summary>
public static class ShifoServer
{
    public static WebApplication Build(string[] args, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        // `--demo` is a bare flag; the configuration's command-line reader would take the next argument as its value
        if (args.Contains("--demo"))
        {
            args = args.Where(a => a != "--demo").ToArray();
            overrides = new Dictionary<string, string?>(overrides ?? new Dictionary<string, string?>()) { ["Demo:Enabled"] = "true" };
        }
        if (args.Contains("--production"))
        {
            args = args.Where(a => a != "--production").ToArray();
            overrides = new Dictionary<string, string?>(overrides ?? new Dictionary<string, string?>()) { ["Server:Production"] = "true" };
        }
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // a singleton holding a request-scoped service (the guarded store) would bypass enforcement: fail at start instead
        builder.Host.UseDefaultServiceProvider(o => { o.ValidateScopes = true; o.ValidateOnBuild = true; });
        builder.Configuration.AddEnvironmentVariables("SHIFO_");
        builder.Configuration.AddCommandLine(args);
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        builder.WebHost.UseUrls(builder.Configuration["Urls"] is { Length: > 0 } urls ? urls : "http://localhost:8080");
        // the body limit is enforced by RequestBody, which answers 413 with an OperationOutcome
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.AddShifoHardening();

        builder.Services.Configure<ServerOptions>(builder.Configuration.GetSection("Server"));
        var storeOptions = builder.Configuration.GetSection("Store").Get<StoreOptions>() ?? new StoreOptions();
        // the real store for the server's own work; requests see IResourceStore, their guarded view of it
        builder.Services.AddSingleton(_ => new TrustedStore(ResourceStoreFactory.Create(storeOptions)));
        builder.Services.AddSingleton(storeOptions);
        // hosted services start in this order: schema, production checks, demo data, demo accounts, first admin
        builder.Services.AddHostedService<StoreInitializer>();
        builder.Services.AddHostedService<ReadCacheListener>();
        builder.Services.AddHostedService<ProductionGuard>();
        builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection("Demo"));
        builder.Services.AddSingleton<DemoStatus>();
        builder.Services.AddHostedService<DemoLoader>();
        builder.Services.AddHostedService<DemoAccounts>();
        builder.Services.AddHostedService<InitialAdmin>();
        builder.Services.AddSingleton(new FhirValidator());
        builder.Services.AddScoped<WritePipeline>();
        builder.Services.AddScoped<ReadPipeline>();
        builder.Services.AddSingleton<RequestBody>();
        builder.Services.AddScoped<ScopedWrites>();
        builder.Services.AddScoped<Bundles.EntryExecutor>();
        builder.Services.AddScoped<Bundles.TransactionProcessor>();
        builder.Services.AddScoped<Bundles.BatchProcessor>();
        builder.Services.AddSingleton<CapabilityStatementBuilder>();
        builder.Services.AddBulkData(builder.Configuration);
        builder.Services.AddShifoSecurity(builder.Configuration);
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseMiddleware<FhirErrorMiddleware>();
        app.UseShifoHardening();
        app.UseMiddleware<FhirAuthenticationMiddleware>();
        app.MapSite();
        app.MapFhir();
        app.MapBulkData();
        app.MapAuthServer();
        return app;
    }
}
