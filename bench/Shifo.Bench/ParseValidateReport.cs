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
        // in-process: no generated project to build; few iterations: one operation is already a whole corpus
        var job = Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(7)
            .WithToolchain(InProcessEmitToolchain.Instance).WithId("inprocess");
        var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summary = BenchmarkRunner.Run<ParseValidateBenchmarks>(config, benchmarkDotNetArgs);

        var corpora = new Dictionary<string, (int Count, double Megabytes)>();
        Console.WriteLine();
        Console.WriteLine("parse + validate, one thread, fastest iteration:");
        Console.WriteLine($"{"corpus",-14} {"method",-18} {"resources",9} {"MB",8} {"resources/s",12} {"x JsonDocument.Parse",21}");
        foreach (var group in summary.Reports.GroupBy(r => (string)r.BenchmarkCase.Parameters[nameof(ParseValidateBenchmarks.CorpusName)]))
        {
            if (!corpora.TryGetValue(group.Key, out var size))
            {
                var corpus = Corpus.Load(group.Key);
                corpora[group.Key] = size = (corpus.Count, corpus.Sum(b => (long)b.Length) / 1e6);
            }
            var baseline = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(ParseValidateBenchmarks.JsonDocumentParse));
            foreach (var report in group)
            {
                if (report.ResultStatistics is not { } stats) continue;
                // the fastest iteration: on a shared machine other work only ever adds time
                var seconds = stats.Min / 1e9;
                var ratio = baseline?.ResultStatistics is { } b ? stats.Min / b.Min : double.NaN;
                Console.WriteLine($"{group.Key,-14} {report.BenchmarkCase.Descriptor.WorkloadMethod.Name,-18} {size.Count,9} {size.Megabytes,8:F1} {size.Count / seconds,12:N0} {ratio,21:F2}");
            }
        }
    }
}
