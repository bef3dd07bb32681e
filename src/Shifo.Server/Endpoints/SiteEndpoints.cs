using System.Net;
using Shifo.Server.Security.Audit;
using Shifo.Storage;

namespace Shifo.Server.Endpoints;

/// <summary>The landing page (/), the health check (/healthz, store included, with the audit events waiting to be stored) and the liveness probe (/livez, the process only).</summary>
public static class SiteEndpoints
{
    public static void MapSite(this WebApplication app)
    {
        app.MapGet("/", Landing);
        // a file, not an inline <style>: pages run under Content-Security-Policy default-src 'self'
        app.MapGet("/site.css", () => Results.Text(Stylesheet, "text/css; charset=utf-8"));
        app.MapGet("/healthz", Health);
        // answers without touching the store: a load balancer's liveness probe, and the benchmarks' measure of the HTTP stack alone
        app.MapGet("/livez", () => Results.Text("ok"));
    }

    private const string Stylesheet =
        "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}code{background:#f3f3f3;padding:0 .2rem}\n";

    private static IResult Landing(HttpContext context, Security.Enforcement.TrustedStore trusted, Hosting.DemoStatus demo)
    {
        var version = typeof(SiteEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var fhir = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/fhir";
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Shifo FHIR server</title>
            <link rel="stylesheet" href="site.css">
            </head><body>
            <h1>Shifo</h1>
            <p>Shifo is a national eHealth platform: the shared health record that clinics' and hospitals' systems write to and
            read from. This is its FHIR R4 server (version {{version}}).</p>
            <ul>
            <li>FHIR base: <code>{{WebUtility.HtmlEncode(fhir)}}</code></li>
            <li>Store: {{WebUtility.HtmlEncode(trusted.Store.Kind)}}</li>
            {{(demo.Loaded ? $"<li>Demo data loaded: {demo.Patients} synthetic patients ({demo.Resources} resources), e.g. <a href=\"fhir/Patient?_count=10\">Patient?_count=10</a></li>" : "")}}
            <li><a href="fhir/metadata">CapabilityStatement</a> (what is implemented)</li>
            <li><a href="fhir/_history?_count=10">Latest changes</a></li>
            <li><a href="healthz">Health</a></li>
            </ul>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static async Task<IResult> Health(Security.Enforcement.TrustedStore trusted, AuditQueue audit, CancellationToken ct)
    {
        var store = trusted.Store;
        try
        {
            // a read that touches the database: fails when the store is unreachable
            await store.ReadAsync("Patient", "healthz", ct);
            return Results.Json(new { status = "ok", store = store.Kind, auditQueue = audit.Depth });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Results.Json(new { status = "unavailable", store = store.Kind, auditQueue = audit.Depth }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
