using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Shifo.ServerBench;

/// <summary>
/// Search latency, one request at a time over keep-alive HTTP on loopback: for each query, <c>samples</c> requests with
/// values of random patients (bounded by a time limit per query), each followed by a read by id of that patient — the
/// reference measured in the same run, under the same machine load. Prints p50, p95, p99 and the reference's.
/// </summary>
public static class SearchBench
{
    public static async Task<int> RunAsync(string baseUrl, string store, int copies, int samples, TimeSpan perQueryLimit)
    {
        var (_, patients) = SyntheaSource.Read();
        var random = new Random(2024);
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/fhir/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));

        PatientSample NextPatient()
        {
            while (true)
                if (PatientSample.From(SyntheaMultiplier.Copy(patients[random.Next(patients.Count)], random.Next(copies)).ToList()) is { } p)
                    return p;
        }

        Console.WriteLine($"| query ({store}, {copies * SyntheaMultiplier.PerCopy(patients):N0} resources) | n | p50 ms | p95 ms | p99 ms | read by id p50 / p95 ms | p95 / read p95 | matches (median) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var failures = 0;
        // SHIFO_BENCH_QUERY=part measures only the queries whose name contains it (other samples then)
        var only = Environment.GetEnvironmentVariable("SHIFO_BENCH_QUERY");
        foreach (var query in SearchQueries.All.Where(q => string.IsNullOrEmpty(only) || q.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            var times = new List<double>();
            var reads = new List<double>();
            var matches = new List<int>();
            var urls = new List<string>();
            string? problem = null;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < samples + 5 && clock.Elapsed < perQueryLimit && problem is null; i++)
            {
                var p = NextPatient();
                if (query.Url(p) is not { } url) { i--; continue; }
                var (ms, status, body) = await TimeAsync(http, url);
                var (readMs, readStatus, _) = await TimeAsync(http, $"Patient/{p.Id}");
                if (status != 200 || readStatus != 200)
                {
                    problem = $"HTTP {status}: {Diagnostics(body)}";
                    break;
                }
                if (i < 5) continue; // warm-up: plans, caches, JIT
                times.Add(ms);
                reads.Add(readMs);
                matches.Add(Matches(body));
                urls.Add(url);
            }
            if (problem is not null || times.Count == 0)
            {
                failures++;
                Console.WriteLine($"| {query.Name} | 0 | — | — | — | — | — | not measured: {problem ?? "no sample"} |");
                continue;
            }
            var p95 = Percentile(times, 95);
            // the slowest samples, to explain (ExplainProbe) what the tail is made of
            foreach (var (ms, url) in times.Zip(urls).OrderByDescending(t => t.First).Take(5))
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  slowest {query.Name}: {ms:F1} ms {url}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {query.Name} | {times.Count} | {Percentile(times, 50):F1} | {p95:F1} | {Percentile(times, 99):F1} | {Percentile(reads, 50):F1} / {Percentile(reads, 95):F1} | {p95 / Percentile(reads, 95):F1} | {Percentile(matches.Select(m => (double)m).ToList(), 50):F0} |"));
        }
        return failures == 0 ? 0 : 1;
    }

    private static async Task<(double Ms, int Status, byte[] Body)> TimeAsync(HttpClient http, string url)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();
        return (clock.Elapsed.TotalMilliseconds, (int)response.StatusCode, body);
    }

    /// <summary>Entries of a search Bundle (matches and includes), 0 for anything else.</summary>
    private static int Matches(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.TryGetProperty("entry", out var entries) ? entries.GetArrayLength() : 0;
    }

    private static string Diagnostics(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return string.Join("; ", doc.RootElement.GetProperty("issue").EnumerateArray().Select(i => i.TryGetProperty("diagnostics", out var d) ? d.GetString() : "")).Replace("|", "\\|");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "(no OperationOutcome)";
        }
    }

    public static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
