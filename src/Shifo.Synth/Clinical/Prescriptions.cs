using Shifo.Synth.Json;
using Shifo.Synth.Patients;
using Shifo.Synth.Writers;

namespace Shifo.Synth.Clinical;

/// <summary>
/// MedicationRequests that follow from the patient's conditions: long-term treatment renewed at the latest visit
/// for the condition, and short courses for acute episodes. Repeat prescriptions follow the national rules
/// Shifo uses (1, 2, 3 or 6 dispensings valid 60, 120, 180 or 540 days).
/// </summary>
public static class Prescriptions
{
    private static readonly (int Repeats, int ValidDays, double Weight)[] RepeatRules = [(0, 60, 30), (1, 120, 30), (2, 180, 25), (5, 540, 15)];
    private static readonly WeightedTable RepeatMix = new(RepeatRules.Select(r => r.Weight).ToList());

    public static void Write(PatientContext p)
    {
        var rng = p.Rng;
        foreach (var c in p.Conditions)
        {
            if (c.Def.Chronic)
            {
                // the last encounter that dealt with the condition renews its treatment
                var at = c.RecordedAt!;
                foreach (var e in p.Encounters) if (e.Reasons.Contains(c)) at = e;
                foreach (var m in Medications.ForChronic(rng, c.Def))
                {
                    var rule = RepeatRules[RepeatMix.Draw(rng)];
                    WriteOne(p, c, at, m, rule.Repeats, rule.ValidDays, PackageCodes.Outpatient);
                }
            }
            else if (Medications.ForAcute(rng, c.Def, p.PenicillinAllergy) is { } m)
                WriteOne(p, c, c.RecordedAt!, m, 0, 30, c.RecordedAt!.Kind == EncounterKind.Inpatient ? PackageCodes.Discharge : PackageCodes.Outpatient);
        }
    }

    private static void WriteOne(PatientContext p, PatientCondition c, PlannedEncounter e, Medicine m, int repeats, int validDays, Code category)
    {
        var authored = e.Kind == EncounterKind.Inpatient ? e.End.AddMinutes(-30) : e.Start.AddMinutes(15);
        var validFrom = DateOnly.FromDateTime(authored);
        var validTo = validFrom.AddDays(validDays);
        var w = p.Sink.BeginResource("MedicationRequest", p.Rng.Uuid());
        w.WriteString("status", validTo >= p.ReferenceDate ? "active" : "completed");
        w.WriteString("intent", "order");
        w.WriteConceptArray("category", category);
        w.WriteConcept("medicationCodeableConcept", m.Code, m.Text);
        w.WriteReference("subject", p.PatientRef);
        w.WriteReference("encounter", p.Ref("Encounter", e.Id));
        w.WriteDateTime("authoredOn", authored);
        w.WriteReference("requester", DirectoryReference.Of("Practitioner", e.Clinician.Id), e.Clinician.Name.Display);
        w.WriteStartArray("reasonReference");
        w.WriteStartObject();
        w.WriteString("reference", p.Ref("Condition", c.Id));
        w.WriteString("display", c.Def.Icd10.Display);
        w.WriteEndObject();
        w.WriteEndArray();

        w.WriteStartArray("dosageInstruction");
        w.WriteStartObject();
        var unitWord = m.Route == "inhaled" ? "inhalation" : "dose";
        w.WriteString("text", $"{m.Dose.ToString(System.Globalization.CultureInfo.InvariantCulture)} {m.DoseUnit} ({unitWord}) {Times(m.TimesPerDay)}");
        w.WriteStartObject("timing");
        w.WriteStartObject("repeat");
        w.WriteNumber("frequency", m.TimesPerDay);
        w.WriteNumber("period", 1);
        w.WriteString("periodUnit", "d");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteConcept("route", Medications.RouteOf(m));
        w.WriteStartArray("doseAndRate");
        w.WriteStartObject();
        w.WriteQuantity("doseQuantity", m.Dose, m.Dose % 1 == 0 ? 0 : 1, m.DoseUnit);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();

        w.WriteStartObject("dispenseRequest");
        w.WriteStartObject("validityPeriod");
        w.WriteDate("start", validFrom);
        w.WriteDate("end", validTo);
        w.WriteEndObject();
        w.WriteNumber("numberOfRepeatsAllowed", repeats);
        w.WriteStartObject("expectedSupplyDuration");
        w.WriteNumber("value", c.Def.Chronic ? 30 : 7);
        w.WriteString("unit", "days");
        w.WriteString("system", ShifoSystems.Ucum);
        w.WriteString("code", "d");
        w.WriteEndObject();
        w.WriteEndObject();
        p.Sink.EndResource();
    }

    private static string Times(int n) => n switch { 1 => "once daily", 2 => "twice daily", 3 => "three times daily", _ => $"{n} times daily" };
}
