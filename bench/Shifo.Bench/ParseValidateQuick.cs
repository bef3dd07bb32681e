using System.Diagnostics;
using System.Text.Json;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Serialization;
using Shifo.Fhir.Validation;

namespace Shifo.Bench;

/// <summary>
/// A quick stopwatch version of <see cref="ParseValidateBenchmarks"/> for iterating on a shared machine: the three
/// methods take turns pass by pass (so a burst of other work hits all of them alike), and each keeps its fastest
/// pass; the allocation per pass is measured once. Also the driver for a profiler run (mode "validate" only).
/// </summary>
public static class ParseValidateQuick
{
    public static int Run(string[] args)
    {
        var corpusName = args.Length > 0 ? args[0] : Corpus.Clinical;
        var rounds = args.Length > 1 ? int.Parse(args[1]) : 30;
        var only = args.Length > 2 ? args[2] : null;
        var resources = Corpus.Load(corpusName);
        var validator = new FhirValidator();
        _ = FhirDefinitions.R4.ResourceTypeNames;

        (string Name, Func<int> Pass)[] methods =
        [
            ("JsonDocument.Parse", () => JsonParse(resources)),
            ("FhirJsonParser.Parse", () => FhirParse(resources)),
            ("FhirValidator.Validate", () => Validate(resources, validator)),
        ];
        if (only is not null) methods = methods.Where(m => m.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToArray();

        var best = new double[methods.Length];
        var allocated = new long[methods.Length];
        Array.Fill(best, double.MaxValue);
        for (var m = 0; m < methods.Length; m++)
        {
            for (var w = 0; w < 3; w++) methods[m].Pass();
            var before = GC.GetAllocatedBytesForCurrentThread();
            methods[m].Pass();
            allocated[m] = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        for (var r = 0; r < rounds; r++)
            for (var m = 0; m < methods.Length; m++)
            {
                var clock = Stopwatch.StartNew();
                methods[m].Pass();
                best[m] = Math.Min(best[m], clock.Elapsed.TotalMilliseconds);
            }

        Console.WriteLine($"{corpusName}: {resources.Count} resources, {rounds} rounds, fastest pass");
        for (var m = 0; m < methods.Length; m++)
            Console.WriteLine($"  {methods[m].Name,-24} {best[m],9:F2} ms  {allocated[m] / 1e6,8:F2} MB  x{best[m] / best[0],5:F2}");
        return 0;
    }

    private static int JsonParse(IReadOnlyList<byte[]> resources)
    {
        var n = 0;
        foreach (var bytes in resources)
        {
            using var doc = JsonDocument.Parse(bytes);
            n += doc.RootElement.ValueKind == JsonValueKind.Object ? 1 : 0;
        }
        return n;
    }

    private static int FhirParse(IReadOnlyList<byte[]> resources)
    {
        var n = 0;
        foreach (var bytes in resources) n += FhirJsonParser.Parse(bytes).Resource is null ? 0 : 1;
        return n;
    }

    private static int Validate(IReadOnlyList<byte[]> resources, FhirValidator validator)
    {
        var n = 0;
        foreach (var bytes in resources) n += validator.Validate(bytes).IsValid ? 1 : 0;
        return n;
    }
}
