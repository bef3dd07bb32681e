using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Shifo.Fhir.Model;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Audit;
using Shifo.Server.Security.Tokens;

namespace Shifo.ServerBench;

/// <summary>
/// A per-request ledger of what security costs (`security-ledger`): the server hosted several times in this process
/// over one seeded SQLite database — open, fully secured, and secured with one part left out (no rate limiter; an
/// audit trail that records nothing) — and the same reads sent to each by an in-process client, a fixed number of
/// requests per variant in interleaved rounds. Per request: process CPU and bytes allocated (exact, and what the
/// client allocates is the same for all, so differences are the server's). The differences between variants are the
/// parts' shares; a diagnostic for finding where the security budget goes, not a figure to hold against the goal.
/// First, <see cref="SecurityStages"/> times each step on its own (ROUNDS 0: only that).
/// </summary>
public static class SecurityLedger
{
    private sealed record Variant(string Name, WebApplication App, string? Token);

    /// <summary>Records nothing: the variant that shows what recording reads costs (request path and writer).</summary>
    private sealed class SilentAuditTrail(AuditEventBuilder builder) : IAuditTrail
    {
        public void Record(AccessContext access, AuditRecord record) { }

        public ElementNode ForWrite(AccessContext access, AuditRecord record) => builder.Build(AuditEventBuilder.NewId(), DateTimeOffset.UtcNow, access, record);
    }

    public static async Task<int> RunAsync(int patients, int requests, int rounds, int concurrency)
    {
        var dir = Directory.CreateTempSubdirectory("shifo-security-ledger-").FullName;
        var database = Path.Combine(dir, "shifo.db");
        var apps = new List<WebApplication>();
        try
        {
            var open = await SecurityBench.StartAsync(database, security: false, demoPatients: patients);
            apps.Add(open);
            using var seedHttp = new HttpClient { BaseAddress = new Uri(Url(open) + "/fhir/") };
            seedHttp.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
            var sample = await SecurityBench.SampleAsync(seedHttp, patients);
            await SecurityBench.SeedCareRelationshipAsync(seedHttp, sample.PatientIds);

            var full = await SecurityBench.StartAsync(database, true, 0);
            var noLimiter = await SecurityBench.StartAsync(database, true, 0, new Dictionary<string, string?> { ["Security:RateLimit:Enabled"] = "false" });
            var silent = await SecurityBench.StartAsync(database, true, 0, services: s =>
                s.AddSingleton<IAuditTrail>(sp => new SilentAuditTrail(sp.GetRequiredService<AuditEventBuilder>())));
            apps.AddRange([full, noLimiter, silent]);
            var variants = new List<Variant>
            {
                new("off", open, null),
                // the open server ignores the token: what sending one costs the client and Kestrel, not security
                new("off, token sent", open, await SystemTokenAsync(full)),
                new("on, System", full, await SystemTokenAsync(full)),
                new("on, Practitioner", full, await PractitionerTokenAsync(full)),
                new("on, System, no rate limiter", noLimiter, await SystemTokenAsync(noLimiter)),
                new("on, System, audit records nothing", silent, await SystemTokenAsync(silent)),
            };
            var workloads = new (string Name, List<string> Paths)[]
            {
                ("read Patient", sample.PatientIds.Select(id => $"/fhir/Patient/{id}").ToList()),
                ("read Observation", sample.ObservationIds.Select(id => $"/fhir/Observation/{id}").ToList()),
            };

            Console.WriteLine($"# Security steps, one by one (secured server's own services; load average {LoadAverage()})");
            Console.WriteLine();
            var systemToken = variants[2].Token!;
            Console.WriteLine(await SecurityStages.MeasureAsync(full, Url(full), systemToken, sample.PatientIds[0], sample.ObservationIds[0]));
            if (rounds == 0) return 0;

            Console.Error.WriteLine("== warm-up");
            foreach (var (_, paths) in workloads)
                foreach (var variant in variants)
                    await DriveAsync(variant, paths, requests, concurrency);

            var cpu = new Dictionary<(string, string), List<double>>();
            var bytes = new Dictionary<(string, string), List<double>>();
            for (var round = 0; round < rounds; round++)
                foreach (var (name, paths) in workloads)
                    for (var k = 0; k < variants.Count; k++)
                    {
                        var variant = variants[(k + round) % variants.Count];
                        var (c, b) = await DriveAsync(variant, paths, requests, concurrency);
                        Add(cpu, (name, variant.Name), c);
                        Add(bytes, (name, variant.Name), b);
                    }

            Console.WriteLine($"# Security ledger ({requests} requests per run, {concurrency} concurrent, {rounds} rounds; load average {LoadAverage()})");
            Console.WriteLine();
            Console.WriteLine("| workload | variant | CPU µs/request (median) | bytes allocated/request (median) |");
            Console.WriteLine("|---|---|---:|---:|");
            foreach (var (name, _) in workloads)
                foreach (var variant in variants)
                    Console.WriteLine($"| {name} | {variant.Name} | {Median(cpu[(name, variant.Name)]):F1} | {Median(bytes[(name, variant.Name)]):N0} |");
            return 0;
        }
        finally
        {
            foreach (var app in apps) { await app.StopAsync(); await app.DisposeAsync(); }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Sends <paramref name="requests"/> GETs; returns process CPU µs and bytes allocated per request (the audit writer's flush included).</summary>
    private static async Task<(double CpuMicros, double Bytes)> DriveAsync(Variant variant, List<string> paths, int requests, int concurrency)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url(variant.App)) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        if (variant.Token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", variant.Token);
        var next = -1;
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                using var response = await http.GetAsync(paths[i % paths.Count], HttpCompletionOption.ResponseContentRead);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{variant.Name}: {(int)response.StatusCode}");
            }
        })));
        // the audit writer's flush interval is 3 s: let it store what this run queued, so that its cost counts here
        await Task.Delay(3500);
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds / requests;
        var bytes = (double)(GC.GetTotalAllocatedBytes(precise: true) - bytesBefore) / requests;
        return (cpu, bytes);
    }

    private static async Task<string> SystemTokenAsync(WebApplication app) =>
        (await app.Services.GetRequiredService<AccessTokenIssuer>().IssueAsync(new AccessTokenRequest
        {
            Subject = "bench-his", ClientId = "bench-his", Role = AccessRole.System, Scope = "system/*.rs",
        }, Url(app), CancellationToken.None)).Token;

    private static async Task<string> PractitionerTokenAsync(WebApplication app) =>
        (await app.Services.GetRequiredService<AccessTokenIssuer>().IssueAsync(new AccessTokenRequest
        {
            Subject = "bench-doctor", ClientId = "bench-portal", Role = AccessRole.Practitioner, Scope = "openid fhirUser user/*.rs",
            FhirUser = $"Practitioner/{SecurityBench.Practitioner}", Organization = $"Organization/{SecurityBench.Organization}",
        }, Url(app), CancellationToken.None)).Token;

    private static string Url(WebApplication app) => app.Urls.First().TrimEnd('/');

    private static void Add(Dictionary<(string, string), List<double>> into, (string, string) key, double value)
    {
        if (!into.TryGetValue(key, out var list)) into[key] = list = [];
        list.Add(value);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
