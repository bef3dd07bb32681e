using System.Globalization;

namespace Shifo.ServerBench;

/// <summary>
/// Read by id under wrk, against /livez of the same server in the same run (Kestrel's ceiling on this machine):
/// rounds alternate the two so that the machine's load, which changes by the minute, falls on both alike; the
/// figure is the median of the rounds' ratios. Ids are random resources of the first <c>copies</c> copies. Given the
/// process ids, it also prints the CPU per request of the server (and of PostgreSQL's backends), medians of the rounds.
/// </summary>
public static class ReadBench
{
    /// <param name="serverPid">The server's process id, for its CPU per request (0: not measured).</param>
    /// <param name="postgresPid">The PostgreSQL postmaster's process id, for its backends' CPU per read (0: not measured).</param>
    public static int Run(string baseUrl, string store, int copies, int seconds, int connections, int rounds, int serverPid = 0, int postgresPid = 0)
    {
        var (shared, patients) = SyntheaSource.Read();
        var random = new Random(42);
        var all = patients.SelectMany(b => b.Entries.Select(e => (Bundle: b.Name, e.FullUrl, Type: (string)e.Resource["resourceType"]!))).ToList();
        var dir = Directory.CreateTempSubdirectory("shifo-wrk-").FullName;
        var reads = Path.Combine(dir, "reads.txt");
        File.WriteAllLines(reads, Enumerable.Range(0, 20_000).Select(_ =>
        {
            var (bundle, fullUrl, type) = all[random.Next(all.Count)];
            return $"/fhir/{type}/{SyntheaMultiplier.NewId(random.Next(copies), bundle, fullUrl)}";
        }));
        var live = Path.Combine(dir, "livez.txt");
        File.WriteAllLines(live, ["/livez"]);

        // warm-up: JIT, connection pools, the database's caches
        Wrk.Run(baseUrl, live, connections, 3);
        Wrk.Run(baseUrl, reads, connections, 5);
        var results = new List<(WrkResult Live, WrkResult Read)>();
        var cpu = new List<(double Live, double Read, double Database)>();
        for (var r = 0; r < rounds; r++)
        {
            var (liveResult, liveCpu, _) = Measured(() => Wrk.Run(baseUrl, live, connections, seconds), serverPid, postgresPid);
            var (readResult, readCpu, databaseCpu) = Measured(() => Wrk.Run(baseUrl, reads, connections, seconds), serverPid, postgresPid);
            results.Add((liveResult, readResult));
            cpu.Add((liveCpu, readCpu, databaseCpu));
        }

        Directory.Delete(dir, recursive: true);
        var ratios = results.Select(x => x.Read.RequestsPerSecond / x.Live.RequestsPerSecond).Order().ToList();
        var ratio = ratios[ratios.Count / 2];
        double Median(Func<(WrkResult Live, WrkResult Read), double> f) => results.Select(f).Order().ElementAt(results.Count / 2);
        double CpuMedian(Func<(double Live, double Read, double Database), double> f) => cpu.Select(f).Order().ElementAt(cpu.Count / 2);
        var databaseText = postgresPid == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" + PostgreSQL {CpuMedian(x => x.Database):F0} µs");
        var cpuText = serverPid == 0 ? "not measured" : string.Create(CultureInfo.InvariantCulture,
            $"/livez {CpuMedian(x => x.Live):F0} µs, read {CpuMedian(x => x.Read):F0} µs{databaseText}");
        var errors = results.Sum(x => x.Live.Errors + x.Read.Errors);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| read by id | {store} | {Median(x => x.Read.RequestsPerSecond):F0} req/s (p50 {Median(x => x.Read.P50Ms):F2} ms, p99 {Median(x => x.Read.P99Ms):F2} ms) " +
            $"| /livez {Median(x => x.Live.RequestsPerSecond):F0} req/s (p50 {Median(x => x.Live.P50Ms):F2} ms) | **{ratio:F2}** (rounds {string.Join(", ", ratios.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))}) " +
            $"| {cpuText} | {errors} |"));
        return errors == 0 ? 0 : 1;
    }

    /// <summary>A wrk run with the CPU the server and the database spent on it, in µs per request.</summary>
    private static (WrkResult Result, double ServerMicros, double DatabaseMicros) Measured(Func<WrkResult> run, int serverPid, int postgresPid)
    {
        var server0 = serverPid == 0 ? 0 : ProcessCpu.Seconds(serverPid);
        var database0 = postgresPid == 0 ? 0 : ProcessCpu.Seconds(postgresPid, withChildren: true);
        var result = run();
        var server = serverPid == 0 ? 0 : ProcessCpu.Seconds(serverPid) - server0;
        var database = postgresPid == 0 ? 0 : ProcessCpu.Seconds(postgresPid, withChildren: true) - database0;
        var requests = Math.Max(1, result.Requests);
        return (result, server * 1e6 / requests, database * 1e6 / requests);
    }
}
