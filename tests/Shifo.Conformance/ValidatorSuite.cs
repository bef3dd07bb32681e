using System.Text.Json;
using Shifo.Fhir.Validation;

namespace Shifo.Conformance;

/// <summary>
/// The HL7 validator test cases (manifest.json in DIR): a case passes when Shifo finds errors exactly when the
/// HL7 Java validator did (expectErrors). Disagreements are printed with Shifo's issues.
/// </summary>
public static class ValidatorSuite
{
    public static SuiteResult Run(string dir)
    {
        var manifestPath = Path.Combine(dir, "manifest.json");
        if (!File.Exists(manifestPath)) throw new FileNotFoundException($"no manifest.json in {dir}", manifestPath);
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
        var validator = new FhirValidator();
        int passed = 0, failed = 0;
        foreach (var c in manifest.RootElement.GetProperty("cases").EnumerateArray())
        {
            var name = c.GetProperty("name").GetString()!;
            var file = Path.Combine(dir, c.GetProperty("file").GetString()!);
            var expectErrors = c.GetProperty("expectErrors").GetBoolean();
            var result = validator.Validate(File.ReadAllBytes(file));
            var hasErrors = !result.IsValid;
            if (hasErrors == expectErrors)
            {
                passed++;
                continue;
            }
            failed++;
            Console.WriteLine($"DISAGREE {name} ({c.GetProperty("file").GetString()}): expected {(expectErrors ? "errors" : "no error")}, Shifo found {(hasErrors ? "errors" : "none")}");
            foreach (var issue in result.Issues.Take(12)) Console.WriteLine("    " + issue);
        }
        return new SuiteResult(passed, failed);
    }
}
