using System.Text.Json.Nodes;
using static Shifo.Fhir.Tests.Validation.SpecExample;

namespace Shifo.Fhir.Tests.Validation;

public class BindingAndInvariantTests
{
    [Fact]
    public void CodeOutsideARequiredBindingIsAnError()
    {
        var p = Load("Patient-example.json");
        p["gender"] = "robot";
        var issue = AssertError(Validate(p), "code-invalid", "Patient.gender");
        Assert.Contains("administrative-gender", issue.Message);
        Assert.Contains("female", issue.Message); // says what is allowed
    }

    [Fact]
    public void CodeableConceptNeedsOneCodingFromARequiredValueSet()
    {
        var a = Load("AllergyIntolerance-example.json");
        a["clinicalStatus"]!["coding"]![0]!["code"] = "dormant";
        AssertError(Validate(a), "code-invalid", "AllergyIntolerance.clinicalStatus");

        // another coding from the value set makes it valid
        a["clinicalStatus"]!["coding"]!.AsArray().Add(new JsonObject
        {
            ["system"] = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
            ["code"] = "resolved",
        });
        AssertNoError(Validate(a));
    }

    [Fact]
    public void CodingInARequiredBindingIsChecked()
    {
        var b = Load("Bundle-bundle-transaction.json");
        b["entry"]![0]!["request"]!["method"] = "FETCH";
        AssertError(Validate(b), "code-invalid", "Bundle.entry[0].request.method");
    }

    [Fact]
    public void CodesFromSystemsThePackageCannotExpandAreNotErrors()
    {
        // Observation.code is bound (example strength) to LOINC; an unknown LOINC code is not checked
        var o = Load("Observation-example.json");
        o["code"]!["coding"]![0]!["code"] = "99999-9";
        AssertNoError(Validate(o));
    }

    [Fact]
    public void BrokenResourceInvariantIsAnError()
    {
        var p = Load("Patient-example.json");
        // pat-1: a contact needs a name, telecom, address or organization
        p["contact"] = new JsonArray(new JsonObject { ["gender"] = "female" });
        var issue = AssertError(Validate(p), "invariant", "Patient.contact[0]");
        Assert.Contains("pat-1", issue.Message);
    }

    [Fact]
    public void BrokenDataTypeInvariantIsAnError()
    {
        var p = Load("Patient-example.json");
        // per-1: a period's start is not after its end
        p["name"]![0]!["period"] = new JsonObject { ["start"] = "2020-01-01", ["end"] = "2019-01-01" };
        var issue = AssertError(Validate(p), "invariant", "Patient.name[0].period");
        Assert.Contains("per-1", issue.Message);
    }

    [Fact]
    public void ExtensionWithValueAndExtensionsBreaksExt1()
    {
        var p = Load("Patient-example.json");
        p["extension"] = new JsonArray(new JsonObject
        {
            ["url"] = "http://example.org/x",
            ["valueString"] = "a",
            ["extension"] = new JsonArray(new JsonObject { ["url"] = "y", ["valueString"] = "b" }),
        });
        var issue = AssertError(Validate(p), "invariant", "Patient.extension[0]");
        Assert.Contains("ext-1", issue.Message);
    }

    [Fact]
    public void KnownExtensionMustHaveAnAllowedValueType()
    {
        var p = Load("Patient-example.json");
        p["extension"] = new JsonArray(new JsonObject
        {
            ["url"] = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
            ["valueString"] = "Tashkent",
        });
        var issue = AssertError(Validate(p), "structure", "Patient.extension[0].value");
        Assert.Contains("Address", issue.Message);

        p["extension"]![0]!.AsObject().Remove("valueString");
        p["extension"]![0]!["valueAddress"] = new JsonObject { ["city"] = "Tashkent" };
        AssertNoError(Validate(p));
    }

    [Fact]
    public void NestedContainedResourcesBreakDom2()
    {
        var p = Load("Patient-example.json");
        p["contained"] = new JsonArray(new JsonObject
        {
            ["resourceType"] = "Organization",
            ["id"] = "org1",
            ["contained"] = new JsonArray(new JsonObject { ["resourceType"] = "Organization", ["id"] = "org2", ["name"] = "x" }),
        });
        p["managingOrganization"] = new JsonObject { ["reference"] = "#org1" };
        var issue = AssertError(Validate(p), "invariant", "Patient");
        Assert.Contains("dom-2", issue.Message);
    }

    [Fact]
    public void ContainedResourcesAreValidatedAsResources()
    {
        var p = Load("Patient-example.json");
        p["contained"] = new JsonArray(new JsonObject { ["resourceType"] = "Organization", ["id"] = "org1", ["active"] = "yes" });
        p["managingOrganization"] = new JsonObject { ["reference"] = "#org1" };
        AssertError(Validate(p), "structure", "Patient.contained[0].active");
    }
}
