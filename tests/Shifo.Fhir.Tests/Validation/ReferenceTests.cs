using System.Text.Json.Nodes;
using static Shifo.Fhir.Tests.Validation.SpecExample;

namespace Shifo.Fhir.Tests.Validation;

public class ReferenceTests
{
    [Theory]
    [InlineData("Patient/example")]
    [InlineData("Patient/example/_history/2")]
    [InlineData("http://example.org/fhir/Patient/123")]
    [InlineData("urn:uuid:a3b2c1d0-1234-4abc-8def-0123456789ab")]
    [InlineData("urn:oid:1.2.3.4")]
    public void WellFormedReferencesPass(string reference)
    {
        var o = Load("Observation-example.json");
        o["subject"] = new JsonObject { ["reference"] = reference };
        AssertNoError(Validate(o));
    }

    [Theory]
    [InlineData("Patient/")]
    [InlineData("Patient")]
    [InlineData("Foo/123")]
    [InlineData("Patient/has space")]
    public void MalformedReferencesAreErrors(string reference)
    {
        var o = Load("Observation-example.json");
        o["subject"] = new JsonObject { ["reference"] = reference };
        var issue = AssertError(Validate(o), "invalid", "Observation.subject.reference");
        Assert.Contains("Type/id", issue.Message);
    }

    [Fact]
    public void ReferenceToATypeTheTargetProfileDoesNotAllowIsAnError()
    {
        var o = Load("Observation-example.json");
        o["subject"] = new JsonObject { ["reference"] = "Medication/med1" };
        var issue = AssertError(Validate(o), "structure", "Observation.subject");
        Assert.Contains("Patient", issue.Message);
    }

    [Fact]
    public void ReferenceTypeMustAgreeWithTheReference()
    {
        var o = Load("Observation-example.json");
        o["subject"] = new JsonObject { ["reference"] = "Patient/1", ["type"] = "Group" };
        AssertError(Validate(o), "invalid", "Observation.subject");
    }

    [Fact]
    public void LocalReferenceMustResolveToAContainedResource()
    {
        var p = Load("Patient-example.json");
        p["managingOrganization"] = new JsonObject { ["reference"] = "#nothere" };
        var issue = AssertError(Validate(p), "invariant", "Patient.managingOrganization");
        Assert.Contains("ref-1", issue.Message);
    }

    [Fact]
    public void ContainedTargetTypeIsChecked()
    {
        var p = Load("Patient-example.json");
        p["contained"] = new JsonArray(new JsonObject { ["resourceType"] = "Practitioner", ["id"] = "pr1", ["active"] = true });
        p["managingOrganization"] = new JsonObject { ["reference"] = "#pr1" };
        AssertError(Validate(p), "structure", "Patient.managingOrganization");
    }
}
