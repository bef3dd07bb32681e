using System.Diagnostics;
using System.Globalization;
using Shifo.Storage;

namespace Shifo.ServerBench;

/// <summary>
/// Reads by id straight from the store, without HTTP, with a fixed number of concurrent readers for a fixed time:
/// how much of the server's read cost is the database's, for profiling the read path.
/// </summary>
public static class StoreReadProbe
{
    public static async Task<int> RunAsync(StoreOptions options, int copies, int seconds, int concurrency)
    {
        var (_, patients) = SyntheaSource.Read();
        var all = patients.SelectMany(b => b.Entries.Select(e => (Bundle: b.Name, e.FullUrl, Type: (string)e.Resource["resourceType"]!))).ToList();
        var random = new Random(7);
        var keys = Enumerable.Range(0, 20_000).Select(_ =>
        {
            var (bundle, fullUrl, type) = all[random.Next(all.Count)];
            return (type, SyntheaMultiplier.NewId(random.Next(copies), bundle, fullUrl));
        }).ToArray();
        await using var store = ResourceStoreFactory.Create(options);
        foreach (var (type, id) in keys.Take(200)) await store.ReadAsync(type, id);
        long done = 0, missing = 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            for (var i = w; clock.Elapsed < until; i = (i + concurrency) % keys.Length)
            {
                if (await store.ReadAsync(keys[i].type, keys[i].Item2) is null) Interlocked.Increment(ref missing);
                Interlocked.Increment(ref done);
            }
        })));
        var cpuPerRead = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / done;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"store reads {store.Kind}: {done / clock.Elapsed.TotalSeconds:F0}/s, {cpuPerRead:F1} µs CPU of this process per read, {concurrency} readers, missing {missing}"));
        return 0;
    }
}
