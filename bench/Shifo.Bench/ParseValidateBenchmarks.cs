using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Serialization;
using Shifo.Fhir.Validation;

namespace Shifo.Bench;

/// <summary>
/// One operation = every resource of the corpus once, single-threaded. The baseline is a plain
/// JsonDocument.Parse of the same bytes, so the Ratio column is the cost of FHIR parsing and validation
/// relative to merely reading the JSON.
/// </summary>
[MemoryDiagnoser]
public class ParseValidateBenchmarks
{
    private IReadOnlyList<byte[]> _resources = [];
    private FhirValidator _validator = null!;

    [Params(Corpus.Clinical, Corpus.AllExamples)]
    public string CorpusName { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _resources = Corpus.Load(CorpusName);
        _validator = new FhirValidator();
        // definitions and per-type plans are start-up costs, not per-resource costs
        _ = FhirDefinitions.R4.ResourceTypeNames;
        foreach (var r in _resources) _validator.Validate(r);
    }

    [Benchmark(Baseline = true)]
    public int JsonDocumentParse()
    {
        var n = 0;
        foreach (var bytes in _resources)
        {
            using var doc = JsonDocument.Parse(bytes);
            n += doc.RootElement.ValueKind == JsonValueKind.Object ? 1 : 0;
        }
        return n;
    }

    [Benchmark]
    public int FhirJsonParse()
    {
        var n = 0;
        foreach (var bytes in _resources)
            n += FhirJsonParser.Parse(bytes).Resource is null ? 0 : 1;
        return n;
    }

    [Benchmark]
    public int ParseAndValidate()
    {
        var n = 0;
        foreach (var bytes in _resources)
            n += _validator.Validate(bytes).IsValid ? 1 : 0;
        return n;
    }
}
