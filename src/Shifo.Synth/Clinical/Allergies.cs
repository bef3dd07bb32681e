using Shifo.Synth.Json;
using Shifo.Synth.Patients;

namespace Shifo.Synth.Clinical;

/// <summary>
/// Allergies and intolerances (substances and reactions in SNOMED CT): drug allergies (penicillins most),
/// food allergies mostly in children, pollen and house dust mite. About 8 % of people have one recorded.
/// </summary>
public static class Allergies
{
    private sealed record Allergen(Code Substance, string Category, double Weight, bool ChildhoodFood);

    private static Code Sct(string code, string display) => new(ShifoSystems.Snomed, code, display);

    private static readonly Allergen Penicillin = new(Sct("373270004", "Substance with penicillin structure and antibacterial mechanism of action"), "medication", 30, false);
    private static readonly Allergen[] Catalog =
    [
        Penicillin,
        new(Sct("387406002", "Sulfonamide"), "medication", 8, false),
        new(Sct("387458008", "Aspirin"), "medication", 7, false),
        new(Sct("102263004", "Eggs (edible)"), "food", 10, true),
        new(Sct("3718001", "Cow's milk"), "food", 10, true),
        new(Sct("256349002", "Peanut - dietary"), "food", 5, false),
        new(Sct("256259004", "Pollen"), "environment", 20, false),
        new(Sct("260147004", "House dust mite"), "environment", 10, false),
    ];
    private static readonly WeightedTable Mix = new(Catalog.Select(a => a.Weight).ToList());

    private static readonly Code Urticaria = Sct("126485001", "Urticaria");
    private static readonly Code Anaphylaxis = Sct("39579001", "Anaphylaxis");
    private static readonly Code Rash = Sct("271807003", "Eruption of skin");
    private static readonly Code Rhinitis = Sct("61582004", "Allergic rhinitis");

    public static void Write(PatientContext p)
    {
        var rng = p.Rng;
        if (!rng.Chance(p.Age < 10 ? 0.10 : 0.07)) return;
        var count = rng.Chance(0.15) ? 2 : 1;
        var seen = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            var k = Mix.Draw(rng);
            if (!seen.Add(k)) continue;
            var a = Catalog[k];
            if (a.ChildhoodFood && p.Age > 12 && rng.Chance(0.7)) continue; // most outgrow egg and milk allergy
            if (a == Penicillin) p.PenicillinAllergy = true;
            var severe = rng.Chance(a.Category == "environment" ? 0.01 : 0.08);
            var manifestation = severe ? Anaphylaxis : a.Category == "environment" ? Rhinitis : rng.Chance(0.5) ? Urticaria : Rash;
            var encounter = p.Encounters[rng.Next(p.Encounters.Count)];

            var w = p.Sink.BeginResource("AllergyIntolerance", rng.Uuid());
            w.WriteConcept("clinicalStatus", PackageCodes.AllergyActive);
            w.WriteConcept("verificationStatus", rng.Chance(0.8) ? PackageCodes.AllergyConfirmed : PackageCodes.AllergyUnconfirmed);
            w.WriteString("type", "allergy");
            w.WriteStartArray("category");
            w.WriteStringValue(a.Category);
            w.WriteEndArray();
            w.WriteString("criticality", severe ? "high" : "low");
            w.WriteConcept("code", a.Substance);
            w.WriteReference("patient", p.PatientRef);
            w.WriteReference("encounter", p.Ref("Encounter", encounter.Id));
            w.WriteDateTime("recordedDate", encounter.Start);
            w.WriteStartArray("reaction");
            w.WriteStartObject();
            w.WriteStartArray("manifestation");
            w.WriteStartObject();
            w.WriteStartArray("coding");
            w.WriteCoding(manifestation);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("severity", severe ? "severe" : rng.Chance(0.6) ? "mild" : "moderate");
            w.WriteEndObject();
            w.WriteEndArray();
            p.Sink.EndResource();
        }
    }
}
