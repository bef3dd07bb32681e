using System.Globalization;

namespace Shifo.ServerBench;

/// <summary>
/// Read by id under wrk, against /livez of the same server in the same run (Kestrel's ceiling on this machine):
/// rounds alternate the two so that the machine's load, which changes by the minute, falls on both alike; the
/// figure is the median of the rounds' ratios. Ids are random resources of the first <c>copies</c> copies.
/// </summary>
public static class ReadBench
{
    public static int Run(string baseUrl, string store, int copies, int seconds, int connections, int rounds)
    {
        var (shared, patients) = SyntheaSource.Read();
        var random = new Random(42);
        var all = patients.SelectMany(b => b.Entries.Select(e => (Bundle: b.Name, e.FullUrl, Type: (string)e.Resource["resourceType"]!))).ToList();
        var reads = Path.Combine(Path.GetTempPath(), "shifo-wrk-reads.txt");
        File.WriteAllLines(reads, Enumerable.Range(0, 20_000).Select(_ =>
        {
            var (bundle, fullUrl, type) = all[random.Next(all.Count)];
            return $"/fhir/{type}/{SyntheaMultiplier.NewId(random.Next(copies), bundle, fullUrl)}";
        }));
        var live = Path.Combine(Path.GetTempPath(), "shifo-wrk-livez.txt");
        File.WriteAllLines(live, ["/livez"]);

        // warm-up: JIT, connection pools, the database's caches
        Wrk.Run(baseUrl, live, connections, 3);
        Wrk.Run(baseUrl, reads, connections, 5);
        var results = new List<(WrkResult Live, WrkResult Read)>();
        for (var r = 0; r < rounds; r++)
            results.Add((Wrk.Run(baseUrl, live, connections, seconds), Wrk.Run(baseUrl, reads, connections, seconds)));

        var ratios = results.Select(x => x.Read.RequestsPerSecond / x.Live.RequestsPerSecond).Order().ToList();
        var ratio = ratios[ratios.Count / 2];
        double Median(Func<(WrkResult Live, WrkResult Read), double> f) => results.Select(f).Order().ElementAt(results.Count / 2);
        var errors = results.Sum(x => x.Live.Errors + x.Read.Errors);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| read by id | {store} | {Median(x => x.Read.RequestsPerSecond):F0} req/s (p50 {Median(x => x.Read.P50Ms):F2} ms, p99 {Median(x => x.Read.P99Ms):F2} ms) " +
            $"| /livez {Median(x => x.Live.RequestsPerSecond):F0} req/s (p50 {Median(x => x.Live.P50Ms):F2} ms) | **{ratio:F2}** (rounds {string.Join(", ", ratios.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))}) | {errors} |"));
        return errors == 0 ? 0 : 1;
    }
}
