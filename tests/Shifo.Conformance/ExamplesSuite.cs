using System.Text.Json;
using Shifo.Fhir.Serialization;
using Shifo.Fhir.Validation;
using Shifo.Testing;

namespace Shifo.Conformance;

/// <summary>
/// Every example of the spec package must read and write back structurally equal, and validate with no
/// error, except the known errata of the specification, which must fail for their stated reason.
/// </summary>
public static class ExamplesSuite
{
    public static SuiteResult Run(string? packageDir)
    {
        if (packageDir is not null) Environment.SetEnvironmentVariable("SHIFO_FHIR_PACKAGE", packageDir);
        var validator = new FhirValidator();
        int passed = 0, failed = 0;
        foreach (var file in TestPaths.SpecExampleFiles())
        {
            var name = Path.GetFileName(file);
            var failure = Check(validator, file, name);
            if (failure is null) passed++;
            else
            {
                failed++;
                Console.WriteLine($"FAIL {name}: {failure}");
            }
        }
        return new SuiteResult(passed, failed);
    }

    /// <summary>Null when the example passes, else why not.</summary>
    private static string? Check(FhirValidator validator, string file, string name)
    {
        var bytes = File.ReadAllBytes(file);
        var result = validator.Validate(bytes);
        if (result.Resource is null)
            return "unreadable: " + (result.Issues.Count > 0 ? result.Issues[0].ToString() : "no resource");

        using (var original = JsonDocument.Parse(bytes))
        using (var written = JsonDocument.Parse(FhirJsonWriter.ToUtf8(result.Resource)))
        {
            var diff = JsonEquality.FirstDifference(original.RootElement, written.RootElement);
            if (diff is not null) return "round trip differs at " + diff;
        }

        var firstError = result.Issues.FirstOrDefault(i => i.IsError);
        if (KnownSpecErrata.ByFile.TryGetValue(name, out var erratum))
        {
            var matches = result.Issues.Any(i => i.IsError
                && ((i.Expression?.Contains(erratum.Expect, StringComparison.Ordinal) ?? false) || i.Message.Contains(erratum.Expect, StringComparison.Ordinal)));
            return matches ? null : $"listed as an erratum ({erratum.Reason}) but no error mentions '{erratum.Expect}'"
                + (firstError is null ? " (it validates)" : $"; first error: {firstError}");
        }
        return firstError is null ? null : $"{result.Issues.Count(i => i.IsError)} error(s), first: {firstError}";
    }
}
