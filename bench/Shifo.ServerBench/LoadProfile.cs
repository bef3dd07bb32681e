using System.Diagnostics;
using System.Text.Json;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;
using Shifo.Fhir.Validation;
using Shifo.Storage.Indexing;

namespace Shifo.ServerBench;

/// <summary>Where the loader's CPU time goes, one thread, per step of a write: parse + validate, index extraction, JSON writing.</summary>
public static class LoadProfile
{
    public static void Run()
    {
        var (_, patients) = SyntheaSource.Read();
        var sample = patients.SelectMany(b => SyntheaMultiplier.Copy(b, 0)).Select(r => JsonSerializer.SerializeToUtf8Bytes(r.Resource)).ToList();
        var validator = new FhirValidator();
        var indexer = new SearchIndexer(FhirDefinitions.R4, new FhirPathEngine());
        var nodes = sample.Select(j => validator.Validate(j).Resource!).ToList();
        foreach (var n in nodes) indexer.Extract(n); // compiles the plans
        Time("parse + validate", () => { foreach (var j in sample) validator.Validate(j); }, sample.Count);
        Time("index extraction", () => { foreach (var n in nodes) indexer.Extract(n); }, sample.Count);
        Time("JSON writing", () => { foreach (var n in nodes) FhirJsonWriter.ToUtf8(n); }, sample.Count);
        var perType = nodes.GroupBy(n => n.TypeName).Select(g =>
        {
            var c = Stopwatch.StartNew();
            foreach (var n in g) indexer.Extract(n);
            return (g.Key, g.Count(), c.Elapsed.TotalMilliseconds);
        }).OrderByDescending(x => x.TotalMilliseconds);
        foreach (var (type, count, ms) in perType) Console.WriteLine($"  extract {type}: {count} in {ms:F0} ms ({ms / count:F3} ms each)");
        foreach (var (url, why) in indexer.Problems.Take(10)) Console.WriteLine($"  problem {url}: {why}");
    }

    private static void Time(string step, Action action, int count)
    {
        var clock = Stopwatch.StartNew();
        action();
        Console.WriteLine($"{step}: {count / clock.Elapsed.TotalSeconds:F0} resources/s ({clock.Elapsed.TotalMilliseconds / count:F3} ms each)");
    }
}
