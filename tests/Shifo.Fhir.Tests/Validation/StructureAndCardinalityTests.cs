using System.Text.Json.Nodes;
using static Shifo.Fhir.Tests.Validation.SpecExample;

namespace Shifo.Fhir.Tests.Validation;

public class StructureAndCardinalityTests
{
    [Fact]
    public void UnknownElementIsAnError()
    {
        var p = Load("Patient-example.json");
        p["name"]![0]!["nickname"] = "Jim";
        var issue = AssertError(Validate(p), "structure", "Patient.name[0].nickname");
        Assert.Contains("Unknown element", issue.Message);
    }

    [Fact]
    public void WrongPrimitiveJsonTypeIsAnError()
    {
        var p = Load("Patient-example.json");
        p["active"] = "yes";
        var issue = AssertError(Validate(p), "structure", "Patient.active");
        Assert.Contains("boolean", issue.Message);
    }

    [Fact]
    public void TwoTypesOfAChoiceElementAreTooManyValues()
    {
        var p = Load("Patient-example.json");
        p["deceasedDateTime"] = "2015-02-14T13:42:00+10:00"; // besides deceasedBoolean
        var issue = AssertError(Validate(p), "structure", "Patient");
        Assert.Contains("Patient.deceased[x]", issue.Message);
        Assert.Contains("deceasedBoolean", issue.Message);
    }

    [Fact]
    public void ArrayWhereOneValueIsAllowedIsAnError()
    {
        var p = Load("Patient-example.json");
        p["gender"] = new JsonArray("male", "female");
        AssertError(Validate(p), "structure", "Patient.gender");
    }

    [Fact]
    public void MissingRequiredElementIsAnError()
    {
        var o = Load("Observation-example.json");
        o.Remove("status");
        var issue = AssertError(Validate(o), "required", "Observation");
        Assert.Contains("Observation.status", issue.Message);
    }

    [Fact]
    public void MissingRequiredElementInsideABackboneIsLocated()
    {
        var b = Load("Bundle-bundle-transaction.json");
        b["entry"]![1]!["request"]!.AsObject().Remove("method");
        var issue = AssertError(Validate(b), "required", "Bundle.entry[1].request");
        Assert.Contains("Bundle.entry.request.method", issue.Message);
    }

    [Fact]
    public void EmptyObjectsArraysAndStringsAreErrors()
    {
        var p = Load("Patient-example.json");
        p["maritalStatus"] = new JsonObject();
        p["photo"] = new JsonArray();
        p["name"]![0]!["family"] = "";
        var result = Validate(p);
        Assert.Contains(result.Issues, i => i.IsError && i.Expression == "Patient.maritalStatus");
        Assert.Contains(result.Issues, i => i.IsError && i.Expression == "Patient.photo");
        AssertError(result, "value", "Patient.name[0].family");
    }

    [Fact]
    public void AnElementWithOnlyAnIdBreaksEle1()
    {
        var p = Load("Patient-example.json");
        p["maritalStatus"] = new JsonObject { ["id"] = "m1" };
        var issue = AssertError(Validate(p), "invariant", "Patient.maritalStatus");
        Assert.Contains("ele-1", issue.Message);
    }

    [Fact]
    public void UnreadableJsonIsFatalAndTheOutcomeSaysWhere()
    {
        var result = Validate("{\"resourceType\":\"Patient\",");
        Assert.False(result.IsValid);
        Assert.Null(result.Resource);
        Assert.Contains("\"severity\":\"fatal\"", result.ToOperationOutcomeJson());
    }

    [Fact]
    public void OperationOutcomeCarriesCodeExpressionAndMessage()
    {
        var p = Load("Patient-example.json");
        p["gender"] = "robot";
        var json = Validate(p).ToOperationOutcomeJson();
        Assert.Contains("\"resourceType\":\"OperationOutcome\"", json);
        Assert.Contains("\"code\":\"code-invalid\"", json);
        Assert.Contains("\"expression\":[\"Patient.gender\"]", json);
        Assert.Contains("robot", json);
    }
}
