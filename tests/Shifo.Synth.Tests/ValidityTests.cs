using System.Text;
using System.Text.Json;
using Shifo.Fhir.Validation;

namespace Shifo.Synth.Tests;

/// <summary>Every generated resource must be valid against the FHIR R4 base definitions.</summary>
public class ValidityTests
{
    private static readonly FhirValidator Validator = new();

    [Fact]
    public void Every_ndjson_resource_validates_without_errors()
    {
        // a region sample large enough to hold every kind of resource, condition and facility
        var g = Generated.Run(new SynthOptions { Seed = 3, Patients = 400, Region = "UZ-TK" });
        var failures = new List<string>();
        var count = 0;
        foreach (var (type, json) in g.AllResources())
        {
            count++;
            var result = Validator.Validate(json);
            foreach (var issue in result.Issues.Where(i => i.IsError).Take(3))
                failures.Add($"{type}: {issue.Expression}: {issue.Message}");
            if (failures.Count > 20) break;
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Distinct().Take(20)));
        foreach (var type in new[] { "Patient", "Encounter", "Condition", "Observation", "Immunization", "AllergyIntolerance",
                     "MedicationRequest", "Organization", "Location", "Practitioner", "PractitionerRole" })
            Assert.True(g.Lines(type).Any(), $"no {type} generated");
        Assert.True(count > 4000);
    }

    [Fact]
    public void Every_bundle_validates_without_errors()
    {
        var g = Generated.Run(new SynthOptions { Seed = 4, Patients = 60, Region = "UZ-QR" }, "bundle");
        foreach (var (name, bytes) in g.Files)
        {
            var result = Validator.Validate(bytes);
            var errors = result.Issues.Where(i => i.IsError).Select(i => $"{i.Expression}: {i.Message}").Take(10).ToList();
            Assert.True(errors.Count == 0, name + ":\n" + string.Join("\n", errors));
        }
    }

    [Fact]
    public void Patients_carry_valid_unique_pinfls_consistent_with_sex_and_birth_date()
    {
        var g = Generated.Run(new SynthOptions { Seed = 5, Patients = 1500 });
        var seen = new HashSet<string>();
        foreach (var p in g.Json("Patient"))
        {
            var id = p.GetProperty("identifier")[0];
            Assert.Equal(ShifoSystems.Pinfl, id.GetProperty("system").GetString());
            var pinfl = id.GetProperty("value").GetString()!;
            Assert.True(Pinfl.IsValid(pinfl), pinfl);
            Assert.True(seen.Add(pinfl), "duplicate PINFL " + pinfl);
            var (male, birth) = Pinfl.Decode(pinfl);
            Assert.Equal(male ? "male" : "female", p.GetProperty("gender").GetString());
            Assert.Equal(birth.ToString("yyyy-MM-dd"), p.GetProperty("birthDate").GetString());
        }
        Assert.Equal(1500, seen.Count);
    }

    [Fact]
    public void Names_appear_in_latin_and_cyrillic_with_second_variants()
    {
        var g = Generated.Run(new SynthOptions { Seed = 6, Patients = 1000 });
        var languages = new Dictionary<string, int>();
        var twoNames = 0;
        var patronymicStyles = new HashSet<string>();
        foreach (var p in g.Json("Patient"))
        {
            var names = p.GetProperty("name").EnumerateArray().ToList();
            if (names.Count > 1) twoNames++;
            foreach (var n in names)
            {
                var lang = n.GetProperty("extension")[0].GetProperty("valueCode").GetString()!;
                languages[lang] = languages.GetValueOrDefault(lang) + 1;
                var patronymic = n.GetProperty("given")[1].GetString()!;
                if (patronymic.EndsWith("o'g'li") || patronymic.EndsWith("qizi")) patronymicStyles.Add("uzbek");
                if (patronymic.EndsWith("ovich") || patronymic.EndsWith("evna") || patronymic.EndsWith("ovna")) patronymicStyles.Add("russian");
            }
        }
        foreach (var lang in new[] { "uz-Latn", "uz-Cyrl", "ru", "ru-Latn" })
            Assert.True(languages.GetValueOrDefault(lang) > 20, $"too few names in {lang}");
        Assert.InRange(twoNames, 250, 450);
        Assert.Equal(["russian", "uzbek"], patronymicStyles.Order());
    }
}
