using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Shifo.Server.Hosting;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Tokens;

namespace Shifo.ServerBench;

/// <summary>
/// What security costs: the server hosted twice in this process over the same seeded SQLite database, once with
/// Security:Enabled=false and rate limiting off, once with security on (tokens, enforcement, rate limiting with
/// limits no client here reaches). wrk runs each workload against both in several short interleaved rounds, so the
/// machine's changing load falls on both alike; the secured server is called with a System token and with a
/// Practitioner token whose encounters reach every benchmark patient. The figure is the median over rounds of
/// req/s on ÷ req/s off.
/// </summary>
public static class SecurityBench
{
    internal const string Organization = "bench-org";
    internal const string Practitioner = "bench-practitioner";

    private sealed record Workload(string Name, IReadOnlyList<string> Paths);

    private sealed record Variant(string Name, string BaseUrl, string? Authorization);

    /// <summary>One wrk run, and the CPU time this process spent per request served (both servers live here, one is loaded at a time).</summary>
    private sealed record Measured(WrkResult Wrk, double CpuMicrosPerRequest)
    {
        public double RequestsPerSecond => Wrk.RequestsPerSecond;
        public long Errors => Wrk.Errors;
    }

    /// <summary>After each run: long enough for the audit writer (3 s flush interval, Security:Audit:FlushInterval) to store what the run queued, so its CPU counts for that run.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(3500);

    public static async Task<int> RunAsync(int patients, int seconds, int rounds, int connections, string? reportPath)
    {
        var dir = Directory.CreateTempSubdirectory("shifo-security-bench-").FullName;
        var database = Path.Combine(dir, "shifo.db");
        WebApplication? open = null, secured = null;
        try
        {
            Console.Error.WriteLine($"== seeding {patients} synthetic patients into {database}");
            open = await StartAsync(database, security: false, demoPatients: patients);
            var openUrl = open.Urls.First().TrimEnd('/');
            using var http = new HttpClient { BaseAddress = new Uri(openUrl + "/fhir/"), Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
            var sample = await SampleAsync(http, patients);
            await SeedCareRelationshipAsync(http, sample.PatientIds);

            secured = await StartAsync(database, security: true, demoPatients: 0);
            var securedUrl = secured.Urls.First().TrimEnd('/');
            var issuer = secured.Services.GetRequiredService<AccessTokenIssuer>();
            var system = await issuer.IssueAsync(new AccessTokenRequest
            {
                Subject = "bench-his", ClientId = "bench-his", Role = AccessRole.System, Scope = "system/*.rs",
            }, securedUrl, CancellationToken.None);
            var practitioner = await issuer.IssueAsync(new AccessTokenRequest
            {
                Subject = "bench-doctor", ClientId = "bench-portal", Role = AccessRole.Practitioner, Scope = "openid fhirUser user/*.rs",
                FhirUser = $"Practitioner/{Practitioner}", Organization = $"Organization/{Organization}",
            }, securedUrl, CancellationToken.None);
            var enforcement = await EnforcementAsync(securedUrl);

            var workloads = new[]
            {
                new Workload("read Patient by id", sample.PatientIds.Select(id => $"/fhir/Patient/{id}").ToList()),
                new Workload("read Observation by id", sample.ObservationIds.Select(id => $"/fhir/Observation/{id}").ToList()),
                new Workload("search Observation?patient=X", sample.PatientIds.Select(id => $"/fhir/Observation?patient={id}").ToList()),
                new Workload("search Patient?identifier=...", sample.Identifiers.Select(i => $"/fhir/Patient?identifier={Uri.EscapeDataString(i)}").ToList()),
            };
            var variants = new[]
            {
                new Variant("off", openUrl, null),
                new Variant("on, System token", securedUrl, "Bearer " + system.Token),
                new Variant("on, Practitioner token", securedUrl, "Bearer " + practitioner.Token),
            };
            var results = Measure(workloads, variants, dir, seconds, rounds, connections);
            var report = Report(workloads, variants, results, patients, seconds, rounds, connections, enforcement);
            Console.WriteLine(report);
            if (reportPath is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(reportPath))!);
                await File.WriteAllTextAsync(reportPath, report);
                Console.Error.WriteLine($"== report written to {reportPath}");
            }
            return results.Values.SelectMany(r => r).Sum(r => r.Errors) == 0 ? 0 : 1;
        }
        finally
        {
            if (secured is not null) { await secured.StopAsync(); await secured.DisposeAsync(); }
            if (open is not null) { await open.StopAsync(); await open.DisposeAsync(); }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static async Task<WebApplication> StartAsync(string database, bool security, int demoPatients,
        IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Store:Provider"] = "sqlite",
            ["Store:SqlitePath"] = database,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Security:Enabled"] = security ? "true" : "false",
            // on: the limiter runs on every request, at limits this benchmark never reaches; off: not there at all
            ["Security:RateLimit:Enabled"] = security ? "true" : "false",
            ["Security:RateLimit:PermitsPerSecond"] = "1000000",
            ["Security:RateLimit:Burst"] = "1000000",
            ["Demo:Enabled"] = demoPatients > 0 ? "true" : "false",
            ["Demo:Patients"] = demoPatients.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        var app = ShifoServer.Build([], settings, services);
        await app.StartAsync();
        return app;
    }

    internal sealed record Sample(List<string> PatientIds, List<string> ObservationIds, List<string> Identifiers);

    /// <summary>The patients (ids and identifiers) and some of their observations, read from the open server.</summary>
    internal static async Task<Sample> SampleAsync(HttpClient http, int patients)
    {
        var bundle = await GetJsonAsync(http, $"Patient?_count={patients}&_elements=identifier");
        var patientIds = new List<string>();
        var identifiers = new List<string>();
        foreach (var entry in bundle["entry"]?.AsArray() ?? [])
        {
            var resource = entry!["resource"]!;
            patientIds.Add((string)resource["id"]!);
            if (resource["identifier"]?.AsArray().FirstOrDefault(i => i?["system"] is not null && i["value"] is not null) is { } identifier)
                identifiers.Add($"{(string)identifier["system"]!}|{(string)identifier["value"]!}");
        }
        var observationIds = new List<string>();
        foreach (var id in patientIds)
        {
            var observations = await GetJsonAsync(http, $"Observation?patient={id}&_count=5&_elements=id");
            observationIds.AddRange((observations["entry"]?.AsArray() ?? []).Select(e => (string)e!["resource"]!["id"]!));
        }
        if (patientIds.Count == 0 || observationIds.Count == 0 || identifiers.Count == 0)
            throw new InvalidOperationException("the seeded database holds no patients, observations or identifiers");
        Console.Error.WriteLine($"== {patientIds.Count} patients, {identifiers.Count} identifiers, {observationIds.Count} observations sampled");
        return new Sample(patientIds, observationIds, identifiers);
    }

    /// <summary>
    /// An organization, a practitioner working there (PractitionerRole) and one finished encounter of that practitioner
    /// at that organization for every benchmark patient: the care relationship a Practitioner token is checked against.
    /// </summary>
    internal static async Task SeedCareRelationshipAsync(HttpClient http, IReadOnlyList<string> patientIds)
    {
        var entries = new JsonArray
        {
            Put("Organization", Organization, new JsonObject { ["resourceType"] = "Organization", ["id"] = Organization, ["active"] = true, ["name"] = "Benchmark polyclinic" }),
            Put("Practitioner", Practitioner, new JsonObject
            {
                ["resourceType"] = "Practitioner", ["id"] = Practitioner, ["active"] = true,
                ["name"] = new JsonArray(new JsonObject { ["family"] = "Benchmark", ["given"] = new JsonArray("Doctor") }),
            }),
            Put("PractitionerRole", "bench-role", new JsonObject
            {
                ["resourceType"] = "PractitionerRole", ["id"] = "bench-role", ["active"] = true,
                ["practitioner"] = new JsonObject { ["reference"] = $"Practitioner/{Practitioner}" },
                ["organization"] = new JsonObject { ["reference"] = $"Organization/{Organization}" },
            }),
        };
        foreach (var patientId in patientIds)
        {
            entries.Add(new JsonObject
            {
                ["resource"] = new JsonObject
                {
                    ["resourceType"] = "Encounter",
                    ["status"] = "finished",
                    ["class"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = "AMB" },
                    ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
                    ["participant"] = new JsonArray(new JsonObject { ["individual"] = new JsonObject { ["reference"] = $"Practitioner/{Practitioner}" } }),
                    ["serviceProvider"] = new JsonObject { ["reference"] = $"Organization/{Organization}" },
                    ["period"] = new JsonObject { ["start"] = "2026-11-02T09:00:00+05:00", ["end"] = "2026-11-02T09:20:00+05:00" },
                },
                ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Encounter" },
            });
        }
        var transaction = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries };
        using var content = new StringContent(transaction.ToJsonString(), Encoding.UTF8, "application/fhir+json");
        var response = await http.PostAsync("", content);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"seeding the care relationship failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static JsonObject Put(string type, string id, JsonObject resource) =>
        new() { ["resource"] = resource, ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = $"{type}/{id}" } };

    /// <summary>Whether the secured server refuses a request without a token: before the access guard is merged it does not.</summary>
    private static async Task<string> EnforcementAsync(string securedUrl)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(securedUrl + "/fhir/Patient?_count=1");
        return response.StatusCode == HttpStatusCode.Unauthorized
            ? "tokens are required (401 without one)"
            : $"NOT enforced on this build (a request without a token got {(int)response.StatusCode}): \"on\" = security headers, rate limiter and whatever token handling exists";
    }

    private static async Task<JsonNode> GetJsonAsync(HttpClient http, string url)
    {
        var response = await http.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static Dictionary<(string Workload, string Variant), List<Measured>> Measure(
        IReadOnlyList<Workload> workloads, IReadOnlyList<Variant> variants, string dir, int seconds, int rounds, int connections)
    {
        var files = new Dictionary<string, string>();
        for (var w = 0; w < workloads.Count; w++)
        {
            files[workloads[w].Name] = Path.Combine(dir, $"paths-{w}.txt");
            File.WriteAllLines(files[workloads[w].Name], workloads[w].Paths);
        }
        Console.Error.WriteLine("== warm-up (JIT, connection pools, caches, token cache)");
        foreach (var workload in workloads)
            foreach (var variant in variants)
                Wrk.Run(variant.BaseUrl, files[workload.Name], connections, 2, variant.Authorization);

        var results = new Dictionary<(string, string), List<Measured>>();
        for (var round = 0; round < rounds; round++)
        {
            Console.Error.WriteLine($"== round {round + 1} of {rounds}");
            foreach (var workload in workloads)
            {
                // the order turns each round, so that no variant always runs first after a switch of workload
                for (var k = 0; k < variants.Count; k++)
                {
                    var variant = variants[(k + round) % variants.Count];
                    var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
                    var run = Wrk.Run(variant.BaseUrl, files[workload.Name], connections, seconds, variant.Authorization);
                    Thread.Sleep(Settle);
                    var spent = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
                    var result = new Measured(run, spent.TotalMicroseconds / Math.Max(1, run.Requests));
                    var key = (workload.Name, variant.Name);
                    if (!results.TryGetValue(key, out var list)) results[key] = list = [];
                    list.Add(result);
                }
            }
        }
        return results;
    }

    private static string Report(IReadOnlyList<Workload> workloads, IReadOnlyList<Variant> variants,
        Dictionary<(string Workload, string Variant), List<Measured>> results, int patients, int seconds, int rounds, int connections, string enforcement)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }
        static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

        var off = variants[0];
        var on = variants.Skip(1).ToList();
        var text = new StringBuilder();
        text.AppendLine($"# Security overhead, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine($"Both servers in one process over the same SQLite database ({patients} synthetic patients of the demo generator, " +
                        $"plus an organization, a practitioner and one encounter of theirs per patient); wrk 1 thread, {connections} connections, " +
                        $"{rounds} interleaved rounds of {seconds} s per workload and server; {Environment.ProcessorCount} cores, load average {LoadAverage()}.");
        text.AppendLine($"Enforcement: {enforcement}.");
        text.AppendLine();
        text.Append("| workload | off req/s |");
        foreach (var v in on) text.Append($" {v.Name} req/s | ratio |");
        text.AppendLine(" errors |");
        text.Append("|---|---:|");
        foreach (var _ in on) text.Append("---:|---:|");
        text.AppendLine("---:|");
        var worst = double.MaxValue;
        foreach (var workload in workloads)
        {
            var offRuns = results[(workload.Name, off.Name)];
            text.Append($"| {workload.Name} | {F(Median(offRuns.Select(r => r.RequestsPerSecond)), "N0")} |");
            var errors = offRuns.Sum(r => r.Errors);
            foreach (var variant in on)
            {
                var onRuns = results[(workload.Name, variant.Name)];
                var ratios = onRuns.Zip(offRuns, (a, b) => a.RequestsPerSecond / b.RequestsPerSecond).ToList();
                var ratio = Median(ratios);
                worst = Math.Min(worst, ratio);
                errors += onRuns.Sum(r => r.Errors);
                text.Append($" {F(Median(onRuns.Select(r => r.RequestsPerSecond)), "N0")} | **{F(ratio, "F2")}** ({string.Join(", ", ratios.Select(r => F(r, "F2")))}) |");
            }
            text.AppendLine($" {errors} |");
        }
        text.AppendLine();
        text.AppendLine($"Goal: ratio on/off ≥ 0.7 for every workload — {(worst >= 0.7 ? "met" : "not met")} (lowest median ratio {F(worst, "F2")}). " +
                        "Ratio = req/s on ÷ req/s off of the same round; the median over rounds; the rounds' ratios in brackets.");
        text.AppendLine();
        // CPU time per request depends far less than req/s on what else the machine runs: the check on the figures above
        text.AppendLine("CPU time of the server process per request served (µs, median over rounds; the audit writer's flush after each run included), " +
                        "and the ratio off ÷ on (the throughput a CPU-bound server would keep with security on):");
        text.AppendLine();
        text.Append("| workload | off µs |");
        foreach (var v in on) text.Append($" {v.Name} µs | ratio |");
        text.AppendLine();
        text.Append("|---|---:|");
        foreach (var _ in on) text.Append("---:|---:|");
        text.AppendLine();
        foreach (var workload in workloads)
        {
            var offRuns = results[(workload.Name, off.Name)];
            text.Append($"| {workload.Name} | {F(Median(offRuns.Select(r => r.CpuMicrosPerRequest)), "N0")} |");
            foreach (var variant in on)
            {
                var onRuns = results[(workload.Name, variant.Name)];
                var ratios = onRuns.Zip(offRuns, (a, b) => b.CpuMicrosPerRequest / a.CpuMicrosPerRequest).ToList();
                text.Append($" {F(Median(onRuns.Select(r => r.CpuMicrosPerRequest)), "N0")} | {F(Median(ratios), "F2")} ({string.Join(", ", ratios.Select(r => F(r, "F2")))}) |");
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
