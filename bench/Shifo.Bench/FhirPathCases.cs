using System.Text.Json;
using Shifo.Testing;

namespace Shifo.Bench;

/// <summary>One FHIRPath benchmark case of bench/fhirpath-cases.json: an expression on a spec example.</summary>
public sealed record FhirPathCase(string Name, string Input, string Expression)
{
    public static string CasesFile => Path.Combine(TestPaths.RepoRoot, "bench", "fhirpath-cases.json");

    public static IReadOnlyList<FhirPathCase> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(CasesFile));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new FhirPathCase(
            c.GetProperty("name").GetString()!, c.GetProperty("input").GetString()!, c.GetProperty("expression").GetString()!)).ToArray();
    }
}
