using System.Text.Json;
using Shifo.Synth.Geography;

namespace Shifo.Synth.Tests;

/// <summary>The population looks like Uzbekistan's: regions in proportion, physicians where they really are, believable illness.</summary>
public class PopulationTests
{
    [Fact]
    public void Regions_are_drawn_in_proportion_to_their_population()
    {
        const int n = 200_000;
        var generator = new SynthGenerator(new SynthOptions { Seed = 11, Patients = n });
        var counts = new Dictionary<string, int>();
        for (long i = 0; i < n; i++)
        {
            var code = generator.StartPatient(i).Region.Code;
            counts[code] = counts.GetValueOrDefault(code) + 1;
        }
        foreach (var r in Regions.All)
        {
            var expected = (double)r.Population / Regions.TotalPopulation;
            var actual = (double)counts.GetValueOrDefault(r.Code) / n;
            Assert.True(Math.Abs(actual - expected) < 0.003, $"{r.Code}: {actual:P2} of patients, expected {expected:P2}");
        }
    }

    [Fact]
    public void Generated_addresses_follow_the_regions_and_one_region_stays_in_it()
    {
        var g = Generated.Run(new SynthOptions { Seed = 12, Patients = 2500 });
        var states = g.Json("Patient").Select(p => p.GetProperty("address")[0].GetProperty("state").GetString()!).ToList();
        foreach (var r in Regions.All)
        {
            var expected = (double)r.Population / Regions.TotalPopulation;
            var actual = states.Count(s => s == r.NameUz) / 2500.0;
            Assert.True(Math.Abs(actual - expected) < 0.025, $"{r.Code}: {actual:P1}, expected {expected:P1}");
        }
        var one = Generated.Run(new SynthOptions { Seed = 12, Patients = 200, Region = "uz-sa" });
        Assert.All(one.Json("Patient"), p => Assert.Equal("Samarqand viloyati", p.GetProperty("address")[0].GetProperty("state").GetString()));
        Assert.All(one.Json("Organization"), o => Assert.Equal("Samarqand viloyati", o.GetProperty("address")[0].GetProperty("state").GetString()));
    }

    [Fact]
    public void Physicians_are_dense_in_Tashkent_city_and_sparse_in_remote_regions()
    {
        var generator = new SynthGenerator(new SynthOptions { Seed = 13, Patients = 500_000 });
        var directory = generator.BuildDirectory();
        double Per10k(string code)
        {
            var region = Regions.Find(code)!;
            return directory.Clinicians.Count(c => c.Facility.Region == region) * 10_000 / generator.ExpectedPatients[region];
        }
        var national = directory.Clinicians.Count * 10_000.0 / 500_000;
        Assert.True(Per10k("UZ-TK") > 2.5 * Per10k("UZ-QR"), $"Tashkent {Per10k("UZ-TK"):0.0} vs Karakalpakstan {Per10k("UZ-QR"):0.0} per 10,000");
        foreach (var remote in new[] { "UZ-QR", "UZ-SU", "UZ-QA" })
            Assert.True(Per10k(remote) < national, $"{remote}: {Per10k(remote):0.0} per 10,000, national {national:0.0}");
        // every facility has staff, and PractitionerRoles place physicians at their facility
        Assert.All(directory.Facilities, f => Assert.NotEmpty(f.Staff));
    }

    [Fact]
    public void Conditions_and_medicines_are_believable()
    {
        var g = Generated.Run(new SynthOptions { Seed = 14, Patients = 2500 });
        var patients = g.Json("Patient").ToDictionary(p => "Patient/" + p.GetProperty("id").GetString(),
            p => (Birth: DateOnly.Parse(p.GetProperty("birthDate").GetString()!), Male: p.GetProperty("gender").GetString() == "male"));
        var conditions = g.Json("Condition").Select(c => (
            Id: "Condition/" + c.GetProperty("id").GetString(),
            Patient: c.GetProperty("subject").GetProperty("reference").GetString()!,
            Code: c.GetProperty("code").GetProperty("coding")[0].GetProperty("code").GetString()!,
            System: c.GetProperty("code").GetProperty("coding")[0].GetProperty("system").GetString())).ToList();
        Assert.All(conditions, c => Assert.Equal("http://hl7.org/fhir/sid/icd-10", c.System));

        var reference = new DateOnly(2025, 6, 30);
        double Share(string code, Func<int, bool, bool> who)
        {
            var group = patients.Where(p => who((reference.DayNumber - p.Value.Birth.DayNumber) / 365, p.Value.Male)).Select(p => p.Key).ToHashSet();
            return (double)conditions.Where(c => c.Code == code && group.Contains(c.Patient)).Select(c => c.Patient).Distinct().Count() / group.Count;
        }
        Assert.True(Share("I10", (a, _) => a >= 60) > 3 * Share("I10", (a, _) => a is >= 18 and < 40), "hypertension should rise with age");
        Assert.Equal(0, Share("I10", (a, _) => a < 15));
        Assert.True(Share("D50.9", (a, m) => !m && a is >= 15 and < 50) > 2 * Share("D50.9", (a, m) => m && a >= 15), "anaemia should be commoner in women");
        Assert.InRange(Share("A15.0", (_, _) => true), 0, 0.01);

        // medicines follow from conditions: metformin only for diabetes, and each request's reason is a condition of the same patient
        var byId = conditions.ToDictionary(c => c.Id);
        var metformin = 0;
        foreach (var m in g.Json("MedicationRequest"))
        {
            var reason = byId[m.GetProperty("reasonReference")[0].GetProperty("reference").GetString()!];
            Assert.Equal(m.GetProperty("subject").GetProperty("reference").GetString(), reason.Patient);
            var atc = m.GetProperty("medicationCodeableConcept").GetProperty("coding")[0];
            Assert.Equal("http://www.whocc.no/atc", atc.GetProperty("system").GetString());
            if (atc.GetProperty("code").GetString() == "A10BA02") { metformin++; Assert.Equal("E11.9", reason.Code); }
        }
        Assert.True(metformin > 10);
    }

    [Fact]
    public void Children_get_the_national_schedule_vaccines()
    {
        var g = Generated.Run(new SynthOptions { Seed = 15, Patients = 600 });
        var vaccines = g.Json("Immunization").Select(i => i.GetProperty("vaccineCode").GetProperty("coding")[0])
            .Select(c => (System: c.GetProperty("system").GetString(), Code: c.GetProperty("code").GetString())).ToList();
        Assert.All(vaccines, v => Assert.Equal("http://hl7.org/fhir/sid/cvx", v.System));
        foreach (var cvx in new[] { "19", "08", "102", "03", "133" })
            Assert.Contains(vaccines, v => v.Code == cvx);
        var vitals = g.Json("Observation").Select(o => o.GetProperty("code").GetProperty("coding")[0].GetProperty("code").GetString()).ToHashSet();
        foreach (var loinc in new[] { "85354-9", "8867-4", "29463-7", "8302-2", "39156-5", "718-7", "14771-0", "4548-4", "14647-2" })
            Assert.Contains(loinc, vitals);
    }
}
