using System.Diagnostics;

namespace Shifo.Bench;

/// <summary>
/// Operations per second of an action: a short warm-up, then doubling batches until the measuring time is
/// spent. bench/fhirpath-js/bench.mjs measures fhirpath.js with the same loop so the two figures compare.
/// </summary>
public static class Throughput
{
    public static double OpsPerSecond(Action run, int measureMs)
    {
        var warmUp = Stopwatch.StartNew();
        while (warmUp.ElapsedMilliseconds < Math.Min(300, measureMs / 2)) run();

        long batch = 16, count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < measureMs)
        {
            for (var i = 0; i < batch; i++) run();
            count += batch;
            if (clock.ElapsedMilliseconds < measureMs / 20) batch *= 2;
        }
        return count / clock.Elapsed.TotalSeconds;
    }
}
