using System.Text.Json;
using Shifo.Synth.Json;
using Shifo.Synth.Patients;
using Shifo.Synth.Writers;

namespace Shifo.Synth.Clinical;

/// <summary>Writes an Observation's common members: status, category, code, subject, encounter, time, performer.</summary>
internal static class Observations
{
    public static Utf8JsonWriter Begin(PatientContext p, PlannedEncounter e, Code category, Code code, DateTime when)
    {
        var w = p.Sink.BeginResource("Observation", p.Rng.Uuid());
        w.WriteString("status", "final");
        w.WriteConceptArray("category", category);
        w.WriteConcept("code", code);
        w.WriteReference("subject", p.PatientRef);
        w.WriteReference("encounter", p.Ref("Encounter", e.Id));
        w.WriteDateTime("effectiveDateTime", when);
        w.WriteReferenceArray("performer", DirectoryReference.Of("Practitioner", e.Clinician.Id));
        return w;
    }

    public static Code Loinc(string code, string display) => new(ShifoSystems.Loinc, code, display);
}

/// <summary>
/// Vital signs as the FHIR vital-signs profile has them (LOINC codes, UCUM units): the blood pressure panel with
/// systolic and diastolic components, heart rate, body weight and height, BMI. Hypertension raises the pressure,
/// treatment lowers it; children follow a simple growth curve.
/// </summary>
public static class VitalSigns
{
    private static readonly Code BpPanel = Observations.Loinc("85354-9", "Blood pressure panel with all children optional");
    private static readonly Code Systolic = Observations.Loinc("8480-6", "Systolic blood pressure");
    private static readonly Code Diastolic = Observations.Loinc("8462-4", "Diastolic blood pressure");
    private static readonly Code HeartRate = Observations.Loinc("8867-4", "Heart rate");
    private static readonly Code Weight = Observations.Loinc("29463-7", "Body weight");
    private static readonly Code Height = Observations.Loinc("8302-2", "Body height");
    private static readonly Code BmiCode = Observations.Loinc("39156-5", "Body mass index (BMI) [Ratio]");

    // height (cm) and BMI by age in years, boys and girls, for the growth curve of children
    private static readonly int[] CurveAges = [0, 1, 2, 5, 10, 15, 18];
    private static readonly double[] BoysHeight = [50, 75, 87, 110, 139, 170, 175];
    private static readonly double[] GirlsHeight = [49, 74, 86, 109, 138, 161, 162];
    private static readonly double[] ChildBmi = [13.5, 17, 16.5, 15.5, 17, 20, 22];

    /// <summary>Height at an age as a share of the adult curve end, so that a child grows into their adult height.</summary>
    public static double HeightAt(double ageYears, bool male, double adultHeight)
    {
        var curve = male ? BoysHeight : GirlsHeight;
        return ageYears >= 18 ? adultHeight : Interpolate(curve, ageYears) * adultHeight / curve[^1];
    }

    public static double BmiAt(double ageYears, double adultBmi) =>
        ageYears >= 18 ? adultBmi : Interpolate(ChildBmi, ageYears) * Math.Clamp(adultBmi / 24, 0.85, 1.2);

    private static double Interpolate(double[] values, double age)
    {
        for (var i = 1; i < CurveAges.Length; i++)
            if (age <= CurveAges[i])
                return values[i - 1] + (values[i] - values[i - 1]) * (age - CurveAges[i - 1]) / (CurveAges[i] - CurveAges[i - 1]);
        return values[^1];
    }

    public static void Write(PatientContext p, PlannedEncounter e, bool measureHeight)
    {
        var rng = p.Rng;
        var when = e.Start.AddMinutes(5 + rng.Next(20));
        var ageYears = (e.Start.Date - p.BirthDate.ToDateTime(TimeOnly.MinValue)).TotalDays / 365.25;
        var routine = e.Kind is EncounterKind.CheckUp or EncounterKind.FollowUp;

        if (ageYears >= 18 && rng.Chance(routine ? 0.9 : 0.6))
        {
            var (sys, dia) = BloodPressure(p, ageYears);
            var w = Observations.Begin(p, e, PackageCodes.VitalSigns, BpPanel, when);
            w.WriteStartArray("component");
            Component(w, Systolic, sys);
            Component(w, Diastolic, dia);
            w.WriteEndArray();
            p.Sink.EndResource();

            w = Observations.Begin(p, e, PackageCodes.VitalSigns, HeartRate, when);
            w.WriteQuantity("valueQuantity", Math.Clamp(rng.Normal(p.Has(ConditionCatalog.IschaemicHeart) ? 80 : 75, 9), 48, 130), 0, "/min");
            p.Sink.EndResource();
        }

        if (!(routine || ageYears < 6) || !rng.Chance(ageYears < 18 ? 0.9 : 0.6)) return;
        var height = HeightAt(ageYears, p.Male, p.HeightCm);
        var bmi = BmiAt(ageYears, p.Bmi) + rng.Normal(0, 0.4);
        var weight = bmi * height * height / 10_000;
        var ww = Observations.Begin(p, e, PackageCodes.VitalSigns, Weight, when);
        ww.WriteQuantity("valueQuantity", weight, 1, "kg");
        p.Sink.EndResource();
        if (!measureHeight && ageYears >= 18) return;
        ww = Observations.Begin(p, e, PackageCodes.VitalSigns, Height, when);
        ww.WriteQuantity("valueQuantity", height, 1, "cm");
        p.Sink.EndResource();
        if (ageYears < 2) return;
        ww = Observations.Begin(p, e, PackageCodes.VitalSigns, BmiCode, when);
        ww.WriteQuantity("valueQuantity", bmi, 1, "kg/m2");
        p.Sink.EndResource();
    }

    private static (double Sys, double Dia) BloodPressure(PatientContext p, double age)
    {
        var rng = p.Rng;
        double sys, dia;
        if (p.Has(ConditionCatalog.Hypertension))
        {
            // about half of treated patients reach the target
            var controlled = rng.Chance(0.5);
            sys = rng.Normal(controlled ? 132 : 152, 11);
            dia = rng.Normal(controlled ? 82 : 94, 8);
        }
        else
        {
            sys = rng.Normal(112 + Math.Max(0, age - 30) * 0.35 + (p.Male ? 4 : 0), 9);
            dia = rng.Normal(72 + Math.Max(0, age - 30) * 0.12, 7);
        }
        sys = Math.Clamp(sys, 85, 220);
        dia = Math.Clamp(dia, 50, Math.Min(130, sys - 20));
        return (sys, dia);
    }

    private static void Component(Utf8JsonWriter w, Code code, double value)
    {
        w.WriteStartObject();
        w.WriteConcept("code", code);
        w.WriteQuantity("valueQuantity", value, 0, "mm[Hg]");
        w.WriteEndObject();
    }
}

/// <summary>
/// Laboratory results (LOINC, UCUM) in the units of post-Soviet laboratories: haemoglobin in g/L, fasting glucose
/// and cholesterol in mmol/L, HbA1c in %; with reference ranges and High/Low/Normal interpretation. Anaemia lowers
/// haemoglobin, diabetes raises glucose and HbA1c.
/// </summary>
public static class LabResults
{
    private static readonly Code Haemoglobin = Observations.Loinc("718-7", "Hemoglobin [Mass/volume] in Blood");
    private static readonly Code FastingGlucose = Observations.Loinc("14771-0", "Fasting glucose [Moles/volume] in Serum or Plasma");
    private static readonly Code HbA1c = Observations.Loinc("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood");
    private static readonly Code Cholesterol = Observations.Loinc("14647-2", "Cholesterol [Moles/volume] in Serum or Plasma");

    public static void Write(PatientContext p, PlannedEncounter e)
    {
        var rng = p.Rng;
        var age = p.AgeOn(DateOnly.FromDateTime(e.Start));
        if (age < 1) return;
        var followUp = e.Kind is EncounterKind.FollowUp or EncounterKind.Inpatient;
        var when = e.Start.AddMinutes(30 + rng.Next(90));
        var anaemic = p.Has(ConditionCatalog.Anaemia);
        var diabetic = p.Has(ConditionCatalog.Diabetes2);
        var cardiac = p.Has(ConditionCatalog.Hypertension) || p.Has(ConditionCatalog.IschaemicHeart);

        var womanOfReproductiveAge = !p.Male && age is >= 15 and < 50;
        if (rng.Chance(anaemic && followUp ? 0.9 : womanOfReproductiveAge ? 0.3 : 0.1))
        {
            var low = p.Male && age >= 15 ? 130 : 120;
            var value = anaemic ? rng.Normal(102, 8) : rng.Normal(p.Male && age >= 15 ? 148 : 131, 9);
            Result(p, e, when, Haemoglobin, Math.Clamp(value, 60, 190), 0, "g/L", low, p.Male && age >= 15 ? 170 : 155);
        }
        if (age >= 18 && rng.Chance(diabetic && followUp ? 0.95 : age >= 40 ? 0.2 : 0.05))
        {
            var value = diabetic ? rng.Normal(8.6, 1.8) : rng.Normal(5.0, 0.45);
            Result(p, e, when, FastingGlucose, Math.Clamp(value, 3.0, 25), 1, "mmol/L", 3.9, 6.1);
        }
        if (diabetic && rng.Chance(followUp ? 0.5 : 0.1))
            Result(p, e, when, HbA1c, Math.Clamp(rng.Normal(7.8, 1.2), 5.0, 14), 1, "%", 4.0, 6.0);
        if (age >= 18 && rng.Chance((cardiac || diabetic) && followUp ? 0.4 : age >= 40 ? 0.08 : 0.02))
            Result(p, e, when, Cholesterol, Math.Clamp(rng.Normal(cardiac ? 5.4 : 4.9, 0.9), 2.5, 10), 1, "mmol/L", 0, 5.2);
    }

    private static void Result(PatientContext p, PlannedEncounter e, DateTime when, Code code, double value, int decimals, string unit, double low, double high)
    {
        var rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        var w = Observations.Begin(p, e, PackageCodes.Laboratory, code, when);
        w.WriteQuantity("valueQuantity", rounded, decimals, unit);
        w.WriteConceptArray("interpretation", rounded > high ? PackageCodes.High : rounded < low ? PackageCodes.Low : PackageCodes.Normal);
        w.WriteStartArray("referenceRange");
        w.WriteStartObject();
        if (low > 0) w.WriteQuantity("low", low, decimals, unit);
        w.WriteQuantity("high", high, decimals, unit);
        w.WriteEndObject();
        w.WriteEndArray();
        p.Sink.EndResource();
    }
}
