using System.Globalization;
using Shifo.Synth;
using Shifo.Synth.Writers;

namespace Shifo.Cli.Commands;

/// <summary>
/// `shifo synth --out DIR [--format ndjson|bundle] [--region UZ-XX] [--patients N] [--seed N] [--progress]`:
/// writes a deterministic synthetic population into an empty (or new) folder and prints a one-line summary.
/// </summary>
public static class SynthCommand
{
    public const string Usage = "usage: shifo synth --out DIR [--format ndjson|bundle] [--region UZ-XX] [--patients N] [--seed N] [--progress]";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? outDir = null;
        var format = "ndjson";
        string? region = null;
        long? patients = null;
        long seed = 1;
        var progress = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[++i]
                : throw new CliInputException($"synth: {arg} needs a value; {Usage}");
            switch (arg)
            {
                case "--out": outDir = Value(); break;
                case "--format":
                    format = Value();
                    if (format is not ("ndjson" or "bundle")) throw new CliInputException($"synth: unknown format '{format}'; expected ndjson or bundle");
                    break;
                case "--region": region = Value().ToUpperInvariant(); break;
                case "--patients":
                    var p = Value();
                    if (!long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                        throw new CliInputException($"synth: --patients expects a whole number of at least 1, got '{p}'");
                    patients = n;
                    break;
                case "--seed":
                    var s = Value();
                    if (!long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed))
                        throw new CliInputException($"synth: --seed expects a whole number, got '{s}'");
                    break;
                case "--progress": progress = true; break;
                default: throw new CliInputException($"synth: unknown argument '{arg}'; {Usage}");
            }
        }
        if (outDir is null) throw new CliInputException($"synth: --out DIR is required; {Usage}");
        if (File.Exists(outDir)) throw new CliInputException($"synth: '{outDir}' is a file, not a folder");
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new CliInputException($"synth: the output folder '{outDir}' is not empty");

        SynthGenerator generator;
        try
        {
            generator = new SynthGenerator(new SynthOptions { Seed = seed, Region = region, Patients = patients });
        }
        catch (ArgumentException ex)
        {
            throw new CliInputException("synth: " + ex.Message);
        }

        var total = generator.PatientCount;
        var step = Math.Max(1, total / 20);
        var next = step;
        Action<long>? report = progress
            ? done => { if (done >= next || done == total) { stderr.WriteLine($"synth: {done:N0} / {total:N0} patients"); next = done + step; } }
            : null;

        SynthSummary summary;
        using (IResourceSink sink = format == "bundle" ? BundleSink.ToDirectory(outDir, total) : NdjsonSink.ToDirectory(outDir))
            summary = generator.Run(sink, report);

        var seconds = Math.Max(summary.Elapsed.TotalSeconds, 1e-3);
        var types = string.Join(", ", summary.Resources.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"synth: {summary.Patients} patients, {summary.TotalResources} resources ({types}) as {format} in {outDir}; "
            + $"{summary.Elapsed.TotalSeconds:0.0} s, {summary.Patients / seconds:0} patients/s, {summary.TotalResources / seconds:0} resources/s"));
        return ExitCodes.Ok;
    }
}
