using static Shifo.Fhir.Tests.Validation.SpecExample;

namespace Shifo.Fhir.Tests.Validation;

public class ValidExamplesTests
{
    [Theory]
    [InlineData("Patient-example.json")]
    [InlineData("Observation-example.json")]
    [InlineData("AllergyIntolerance-example.json")]
    [InlineData("Bundle-bundle-example.json")]
    [InlineData("Bundle-bundle-transaction.json")]
    [InlineData("Questionnaire-f201.json")]
    [InlineData("StructureDefinition-Patient.json")]
    [InlineData("ValueSet-administrative-gender.json")]
    public void SpecExamplesHaveNoError(string file)
    {
        var result = Validate(Load(file));
        AssertNoError(result);
        Assert.NotNull(result.Resource);
    }

    [Fact]
    public void ValidatingAParsedTreeGivesTheSameVerdict()
    {
        var parsed = Shifo.Fhir.Serialization.FhirJsonParser.Parse(Load("Patient-example.json").ToJsonString());
        Assert.True(Validator.Validate(parsed.Resource!).IsValid);
        parsed.Resource!.Child("gender")!.Value = "robot";
        var result = Validator.Validate(parsed.Resource!);
        Assert.False(result.IsValid);
        Assert.Contains(result.Issues, i => i.Code == "code-invalid" && i.Expression == "Patient.gender");
    }
}
