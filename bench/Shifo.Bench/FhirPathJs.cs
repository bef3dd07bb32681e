using System.Diagnostics;
using System.Text.Json;
using Shifo.Testing;

namespace Shifo.Bench;

/// <summary>Runs bench/fhirpath-js/bench.mjs with node on the same cases and reads its per-case figures.</summary>
public static class FhirPathJs
{
    public sealed record Figure(double? OpsPerSecond, int? ResultCount, string? Error);

    public static Dictionary<string, Figure> Run(int measureMs)
    {
        var dir = Path.Combine(TestPaths.RepoRoot, "bench", "fhirpath-js");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "fhirpath")))
            throw new InvalidOperationException($"fhirpath.js is not installed: run 'npm ci' in {dir} (bench/run.sh does)");
        var start = new ProcessStartInfo("node") { WorkingDirectory = dir, RedirectStandardOutput = true };
        foreach (var a in new[] { "bench.mjs", FhirPathCase.CasesFile, TestPaths.SpecPackage, measureMs.ToString() })
            start.ArgumentList.Add(a);
        using var node = Process.Start(start)!;
        var figures = new Dictionary<string, Figure>();
        while (node.StandardOutput.ReadLine() is { } line)
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            figures[r.GetProperty("name").GetString()!] = new Figure(
                r.TryGetProperty("opsPerSecond", out var ops) ? ops.GetDouble() : null,
                r.TryGetProperty("resultCount", out var n) ? n.GetInt32() : null,
                r.TryGetProperty("error", out var e) ? e.GetString() : null);
        }
        node.WaitForExit();
        if (node.ExitCode != 0) throw new InvalidOperationException($"node bench.mjs exited with {node.ExitCode}");
        return figures;
    }
}
