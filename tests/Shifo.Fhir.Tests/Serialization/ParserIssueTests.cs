using Shifo.Fhir.Outcomes;
using Shifo.Fhir.Serialization;

namespace Shifo.Fhir.Tests.Serialization;

/// <summary>Structural problems the parser reports itself, with where they are.</summary>
public class ParserIssueTests
{
    private static Issue Single(string json)
    {
        var result = FhirJsonParser.Parse(json);
        return Assert.Single(result.Issues);
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","nickname":"Bob"}""", "Patient.nickname", "Unknown element")]
    [InlineData("""{"resourceType":"Patient","active":"true"}""", "Patient.active", "boolean")]
    [InlineData("""{"resourceType":"Patient","gender":["male"]}""", "Patient.gender", "single value")]
    [InlineData("""{"resourceType":"Patient","name":{"family":"Karimov"}}""", "Patient.name", "must be a JSON array")]
    [InlineData("""{"resourceType":"Patient","name":[]}""", "Patient.name", "empty array")]
    [InlineData("""{"resourceType":"Patient","name":[{}]}""", "Patient.name[0]", "empty")]
    [InlineData("""{"resourceType":"Patient","gender":""}""", "Patient.gender", "empty string")]
    [InlineData("""{"resourceType":"Patient","gender":null}""", "Patient.gender", "null")]
    [InlineData("""{"resourceType":"Patient","gender":"male","gender":"female"}""", "Patient.gender", "more than once")]
    [InlineData("""{"resourceType":"Patient","contained":[{"resourceType":"Organization","colour":"red"}]}""", "Patient.contained[0].colour", "in Organization.")]
    [InlineData("""{"resourceType":"Patient","name":[{"given":[{"value":"x"}]}]}""", "Patient.name[0].given[0]", "primitive")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"t"},"valueQuantity":{"value":"1.5"}}""", "Observation.value.value", "number")]
    public void ReportsStructuralProblemsWithTheirLocation(string json, string expression, string messagePart)
    {
        var issue = Single(json);
        Assert.Equal(IssueSeverity.Error, issue.Severity);
        Assert.Equal(expression, issue.Expression);
        Assert.Contains(messagePart, issue.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("[1,2]", "Expected a JSON object")]
    [InlineData("""{"resourceType":"Patient",""", "not valid JSON")]
    [InlineData("""{"id":"x"}""", "no resourceType")]
    [InlineData("""{"resourceType":"Patinet"}""", "Unknown resource type 'Patinet'")]
    [InlineData("""{"resourceType":"Patient"} {}""", "not valid JSON")]
    public void UnreadableContentGivesAFatalIssueAndNoResource(string json, string messagePart)
    {
        var result = FhirJsonParser.Parse(json);
        Assert.Null(result.Resource);
        Assert.True(result.HasErrors);
        Assert.Contains(result.Issues, i => i.Severity == IssueSeverity.Fatal && i.Message.Contains(messagePart, StringComparison.Ordinal));
    }

    [Fact]
    public void TooDeepNestingIsAnIssueNotAnException()
    {
        var deep = """{"resourceType":"Basic","extension":[""" + string.Concat(Enumerable.Repeat("""{"url":"u","extension":[""", 200))
            + string.Concat(Enumerable.Repeat("]}", 200)) + "]}";
        var result = FhirJsonParser.Parse(deep);
        Assert.Null(result.Resource);
        Assert.Contains(result.Issues, i => i.Message.Contains("nested deeper", StringComparison.Ordinal));
    }

    [Fact]
    public void ChoiceTypesAndContainedResourcesAreTyped()
    {
        var result = FhirJsonParser.Parse("""
            {"resourceType":"Observation","status":"final","code":{"text":"t"},
             "contained":[{"resourceType":"Patient","id":"p1"}],"subject":{"reference":"#p1"},
             "valueQuantity":{"value":1.5,"unit":"mg"}}
            """);
        Assert.Empty(result.Issues);
        var obs = result.Resource!;
        var value = obs.Child("value")!;
        Assert.Equal("Quantity", value.TypeName);
        Assert.Equal("Observation.value[x]", value.Definition!.Path);
        var contained = obs.Child("contained")!;
        Assert.True(contained.IsResource);
        Assert.Equal("Patient", contained.TypeName);
        Assert.Equal("Observation.contained[0].id", contained.Child("id")!.Location);
    }

    [Fact]
    public void ResourceTypeNeedNotComeFirst()
    {
        var result = FhirJsonParser.Parse("""{"id":"a","gender":"male","resourceType":"Patient"}""");
        Assert.Empty(result.Issues);
        Assert.Equal("Patient", result.Resource!.TypeName);
    }
}
