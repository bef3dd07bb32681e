using System.Diagnostics;
using System.Text;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Serialization;
using Shifo.Fhir.Validation;
using Shifo.Storage.Indexing;
using Shifo.Synth;
using Shifo.Synth.Writers;

namespace Shifo.Bench;

/// <summary>
/// `Shifo.Bench server-cpu-path [PATIENTS [ROUNDS]]`: the CPU work the server does for every resource it stores,
/// in process and on one thread: validate (parse included), extract the index rows, write the JSON back, over a
/// synthetic population (seed 4, as the ingest benchmark's). Prints each step's time and allocation, then the
/// fastest of ROUNDS whole passes, so that two builds can be compared in turns without a database.
/// </summary>
public static class ServerCpuPath
{
    public static int Run(string[] args)
    {
        var patients = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 4000;
        var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 6;
        var lines = Generate(patients);
        var validator = new FhirValidator();
        var indexer = new SearchIndexer(FhirDefinitions.R4, new FhirPathEngine());

        var parsed = lines.Select(b => validator.Validate(b).Resource!).ToArray();
        foreach (var r in parsed) { indexer.Extract(r); FhirJsonWriter.ToUtf8(r); } // warm-up
        var (validateMs, validateBytes) = Step(() => { foreach (var b in lines) validator.Validate(b); });
        var (extractMs, extractBytes) = Step(() => { foreach (var r in parsed) indexer.Extract(r); });
        var (writeMs, writeBytes) = Step(() => { foreach (var r in parsed) FhirJsonWriter.ToUtf8(r); });

        void Pass()
        {
            foreach (var b in lines)
            {
                var resource = validator.Validate(b).Resource!;
                indexer.Extract(resource);
                FhirJsonWriter.ToUtf8(resource);
            }
        }
        var best = double.MaxValue;
        for (var i = 0; i < rounds; i++) best = Math.Min(best, Step(Pass).Ms);
        Console.WriteLine($"server cpu path: {lines.Length:N0} resources ({patients:N0} patients)");
        Console.WriteLine($"  validate {validateMs:F0} ms, {validateBytes / 1e6:F0} MB; extract {extractMs:F0} ms, {extractBytes / 1e6:F0} MB; write {writeMs:F0} ms, {writeBytes / 1e6:F0} MB");
        Console.WriteLine($"  all three, fastest of {rounds} passes: {best:F0} ms = {best * 1000 / lines.Length:F1} µs per resource");
        return 0;
    }

    private static (double Ms, long Bytes) Step(Action pass)
    {
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        pass();
        return (clock.Elapsed.TotalMilliseconds, GC.GetAllocatedBytesForCurrentThread() - bytes);
    }

    private static byte[][] Generate(int patients)
    {
        var dir = Directory.CreateTempSubdirectory("shifo-cpu-path-").FullName;
        try
        {
            using (var sink = NdjsonSink.ToDirectory(dir))
                new SynthGenerator(new SynthOptions { Seed = 4, Patients = patients }).Run(sink, _ => { });
            return Directory.GetFiles(dir, "*.ndjson").Order(StringComparer.Ordinal).SelectMany(File.ReadLines)
                .Select(Encoding.UTF8.GetBytes).ToArray();
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
