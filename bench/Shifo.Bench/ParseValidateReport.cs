using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Shifo.Bench;

/// <summary>Runs <see cref="ParseValidateBenchmarks"/> and restates its means as resources per second and ratios to the plain parse.</summary>
public static class ParseValidateReport
{
    public static void Run(string[] benchmarkDotNetArgs)
    {
        // in-process: no generated project to build; a short job: each operation is already thousands of resources
        var job = Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("short-inprocess");
        var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summary = BenchmarkRunner.Run<ParseValidateBenchmarks>(config, benchmarkDotNetArgs);

        var counts = new Dictionary<string, int>();
        Console.WriteLine();
        Console.WriteLine("parse + validate, one thread:");
        Console.WriteLine($"{"corpus",-14} {"method",-18} {"resources",9} {"MB",8} {"resources/s",12} {"x JsonDocument.Parse",21}");
        foreach (var group in summary.Reports.GroupBy(r => (string)r.BenchmarkCase.Parameters[nameof(ParseValidateBenchmarks.CorpusName)]))
        {
            if (!counts.TryGetValue(group.Key, out var n))
            {
                var corpus = Corpus.Load(group.Key);
                counts[group.Key] = n = corpus.Count;
                counts[group.Key + ":bytes"] = (int)(corpus.Sum(b => (long)b.Length) / 1_000_000);
            }
            var baseline = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(ParseValidateBenchmarks.JsonDocumentParse));
            foreach (var report in group)
            {
                if (report.ResultStatistics is not { } stats) continue;
                var seconds = stats.Mean / 1e9;
                var ratio = baseline?.ResultStatistics is { } b ? stats.Mean / b.Mean : double.NaN;
                Console.WriteLine($"{group.Key,-14} {report.BenchmarkCase.Descriptor.WorkloadMethod.Name,-18} {n,9} {counts[group.Key + ":bytes"],8} {n / seconds,12:N0} {ratio,21:F2}");
            }
        }
    }
}
