using System.Diagnostics;
using Shifo.Synth;
using Shifo.Synth.Writers;

namespace Shifo.Bench;

/// <summary>
/// `Shifo.Bench synth [PATIENTS] [OUT_DIR]`: a load run of the synthetic population generator — patients/s and
/// resources/s (wall clock and CPU), peak working set and the managed heap at the end, which must not grow with the
/// number of patients. Without OUT_DIR the NDJSON goes to Stream.Null (generation and serialisation only).
/// </summary>
public static class SynthLoad
{
    public static int Run(string[] args)
    {
        var patients = args.Length > 0 ? long.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        var outDir = args.Length > 1 ? args[1] : null;
        var generator = new SynthGenerator(new SynthOptions { Seed = 1, Patients = patients });
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        long heapMax = 0, nextReport = 100_000;
        SynthSummary summary;
        using (var sink = outDir is null ? new NdjsonSink(_ => Stream.Null) : NdjsonSink.ToDirectory(outDir))
            summary = generator.Run(sink, done =>
            {
                heapMax = Math.Max(heapMax, GC.GetTotalMemory(false));
                if (done < nextReport) return;
                nextReport += 100_000;
                Console.Error.WriteLine($"  {done:N0} patients, managed heap {GC.GetTotalMemory(false) / 1e6:0} MB");
            });
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        var wall = summary.Elapsed.TotalSeconds;
        Console.WriteLine($"synth load: {summary.Patients:N0} patients, {summary.TotalResources:N0} resources -> {outDir ?? "Stream.Null"}");
        Console.WriteLine($"  wall {wall:0.0} s: {summary.Patients / wall:N0} patients/s, {summary.TotalResources / wall:N0} resources/s");
        Console.WriteLine($"  cpu  {cpu:0.0} s: {summary.Patients / cpu:N0} patients/s, {summary.TotalResources / cpu:N0} resources/s per core");
        Console.WriteLine($"  peak working set {process.PeakWorkingSet64 / 1e6:0} MB, largest managed heap seen {heapMax / 1e6:0} MB");
        return 0;
    }
}
