using System.Text;
using System.Text.Json.Nodes;
using Shifo.Fhir.Outcomes;
using Shifo.Fhir.Validation;
using Shifo.Testing;

namespace Shifo.Fhir.Tests.Validation;

/// <summary>Loads a spec example as mutable JSON, and validates (mutated) resources with one shared validator.</summary>
internal static class SpecExample
{
    public static readonly FhirValidator Validator = new();

    public static JsonObject Load(string fileName) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.SpecPackage, fileName)))!.AsObject();

    public static ValidationResult Validate(JsonNode resource) => Validator.Validate(Encoding.UTF8.GetBytes(resource.ToJsonString()));

    public static ValidationResult Validate(string json) => Validator.Validate(Encoding.UTF8.GetBytes(json));

    /// <summary>Asserts an error with this code at exactly this expression, and returns it.</summary>
    public static Issue AssertError(ValidationResult result, string code, string expression)
    {
        Assert.False(result.IsValid, "expected errors, got none");
        var match = result.Issues.FirstOrDefault(i => i.IsError && i.Code == code && i.Expression == expression);
        Assert.True(match is not null,
            $"expected an error [{code}] at {expression}; found:\n" + string.Join("\n", result.Issues));
        return match!;
    }

    public static void AssertNoError(ValidationResult result) =>
        Assert.True(result.IsValid, "expected no error; found:\n" + string.Join("\n", result.Issues.Where(i => i.IsError)));
}
