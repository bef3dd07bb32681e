using System.Text.Json.Nodes;
using static Shifo.Fhir.Tests.Validation.SpecExample;

namespace Shifo.Fhir.Tests.Validation;

public class FormatTests
{
    [Theory]
    [InlineData("birthDate", "2021-02-30")]   // no such day
    [InlineData("birthDate", "1990-13-01")]   // no such month
    [InlineData("birthDate", "90-01-01")]
    [InlineData("birthDate", "1990-01-01T10:00:00Z")] // a dateTime, not a date
    public void DatesMustBeRealAndWellFormed(string element, string value)
    {
        var p = Load("Patient-example.json");
        p[element] = value;
        AssertError(Validate(p), "value", "Patient." + element);
    }

    [Theory]
    [InlineData("deceasedDateTime", "2015-02-14T13:42:00")] // time without zone
    [InlineData("deceasedDateTime", "2015-02-29")]          // 2015 is no leap year
    public void DateTimesNeedAZoneWithATime(string element, string value)
    {
        var p = Load("Patient-example.json");
        p.Remove("deceasedBoolean");
        p[element] = value;
        AssertError(Validate(p), "value", "Patient.deceased");
    }

    [Fact]
    public void ValidDateTimesPass()
    {
        var p = Load("Patient-example.json");
        p.Remove("deceasedBoolean");
        p["deceasedDateTime"] = "2016-02-29T23:59:60.123+14:00";
        AssertNoError(Validate(p));
    }

    [Fact]
    public void IntegersAre32Bit()
    {
        var o = Load("Observation-example.json");
        o.Remove("valueQuantity");
        o["valueInteger"] = JsonValue.Create(3000000000L);
        var issue = AssertError(Validate(o), "value", "Observation.value");
        Assert.Contains("32-bit", issue.Message);
    }

    [Fact]
    public void InstantNeedsFullPrecisionAndZone()
    {
        var o = Load("Observation-example.json");
        o["issued"] = "2013-04-03";
        AssertError(Validate(o), "value", "Observation.issued");
    }

    [Fact]
    public void ResourceIdsFollowTheIdFormat()
    {
        var p = Load("Patient-example.json");
        p["id"] = "not valid!";
        AssertError(Validate(p), "value", "Patient.id");
        p["id"] = new string('a', 65);
        AssertError(Validate(p), "value", "Patient.id");
    }

    [Fact]
    public void CodesHaveNoStrayWhitespace()
    {
        var p = Load("Patient-example.json");
        p["gender"] = "male ";
        AssertError(Validate(p), "value", "Patient.gender");
    }

    [Fact]
    public void StringsRejectControlCharactersButAllowNoBreakSpace()
    {
        var p = Load("Patient-example.json");
        p["name"]![0]!["family"] = "Chalmers\u000c";
        AssertError(Validate(p), "value", "Patient.name[0].family");
        p["name"]![0]!["family"] = "Chal\u00a0mers"; // Java's \S, as the spec's regex means it, includes U+00A0
        AssertNoError(Validate(p));
    }

    [Fact]
    public void Base64UuidOidAndUriFormats()
    {
        var p = Load("Patient-example.json");
        p["photo"] = new JsonArray(new JsonObject { ["contentType"] = "image/png", ["data"] = "abc" });
        AssertError(Validate(p), "value", "Patient.photo[0].data");
        p["photo"] = new JsonArray(new JsonObject { ["contentType"] = "image/png", ["data"] = "aGVsbG8=" });
        AssertNoError(Validate(p));

        p["identifier"]![0]!["system"] = "urn:oid:1.2.36 .146.595";
        AssertError(Validate(p), "value", "Patient.identifier[0].system");
    }

    [Fact]
    public void PositiveIntStartsAtOneAndUnsignedIntAtZero()
    {
        var p = Load("Patient-example.json");
        p["telecom"]![0]!["rank"] = 0;
        AssertError(Validate(p), "value", "Patient.telecom[0].rank");

        var m = Load("MedicationRequest-medrx0310.json");
        m["dispenseRequest"] = new JsonObject { ["numberOfRepeatsAllowed"] = -1 };
        AssertError(Validate(m), "value", "MedicationRequest.dispenseRequest.numberOfRepeatsAllowed");
    }
}
