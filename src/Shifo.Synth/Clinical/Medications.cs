using Shifo.Synth.Json;

namespace Shifo.Synth.Clinical;

/// <summary>A medicine prescribed by its international non-proprietary name (INN), coded in ATC, with a usual dose.</summary>
public sealed record Medicine(string Atc, string Inn, string Form, double Dose, string DoseUnit, int TimesPerDay, string Route)
{
    public Code Code => new(ShifoSystems.Atc, Atc, Inn);
    public string Text => $"{char.ToUpperInvariant(Inn[0])}{Inn[1..]} {Dose.ToString(System.Globalization.CultureInfo.InvariantCulture)} {DoseUnit} {Form}";
}

/// <summary>
/// Which medicines follow from which conditions: first-line treatments of national and WHO protocols, prescribed
/// by INN as cross-border e-prescription requires. Doses are usual adult ones.
/// </summary>
public static class Medications
{
    private const string Oral = "oral";
    private const string Inhaled = "inhaled";

    public static readonly Medicine Amlodipine = new("C08CA01", "amlodipine", "tablet", 5, "mg", 1, Oral);
    public static readonly Medicine Enalapril = new("C09AA02", "enalapril", "tablet", 10, "mg", 2, Oral);
    public static readonly Medicine Lisinopril = new("C09AA03", "lisinopril", "tablet", 10, "mg", 1, Oral);
    public static readonly Medicine Losartan = new("C09CA01", "losartan", "tablet", 50, "mg", 1, Oral);
    public static readonly Medicine Hydrochlorothiazide = new("C03AA03", "hydrochlorothiazide", "tablet", 25, "mg", 1, Oral);
    public static readonly Medicine Indapamide = new("C03BA11", "indapamide", "tablet", 2.5, "mg", 1, Oral);
    public static readonly Medicine Metformin = new("A10BA02", "metformin", "tablet", 1000, "mg", 2, Oral);
    public static readonly Medicine Gliclazide = new("A10BB09", "gliclazide", "modified-release tablet", 60, "mg", 1, Oral);
    public static readonly Medicine Aspirin = new("B01AC06", "acetylsalicylic acid", "tablet", 75, "mg", 1, Oral);
    public static readonly Medicine Atorvastatin = new("C10AA05", "atorvastatin", "tablet", 20, "mg", 1, Oral);
    public static readonly Medicine Bisoprolol = new("C07AB07", "bisoprolol", "tablet", 5, "mg", 1, Oral);
    public static readonly Medicine Salbutamol = new("R03AC02", "salbutamol", "pressurised inhalation", 100, "ug", 4, Inhaled);
    public static readonly Medicine Tiotropium = new("R03BB04", "tiotropium bromide", "inhalation powder", 18, "ug", 1, Inhaled);
    public static readonly Medicine Budesonide = new("R03BA02", "budesonide", "inhalation powder", 200, "ug", 2, Inhaled);
    public static readonly Medicine FerrousSulfate = new("B03AA07", "ferrous sulfate", "tablet", 325, "mg", 1, Oral);
    public static readonly Medicine FolicAcid = new("B03BB01", "folic acid", "tablet", 1, "mg", 1, Oral);
    public static readonly Medicine TbFixedDose = new("J04AM06", "rifampicin, pyrazinamide, ethambutol and isoniazid", "tablet", 4, "{tbl}", 1, Oral);
    public static readonly Medicine Tenofovir = new("J05AF07", "tenofovir disoproxil", "tablet", 245, "mg", 1, Oral);
    public static readonly Medicine Levothyroxine = new("H03AA01", "levothyroxine sodium", "tablet", 50, "ug", 1, Oral);
    public static readonly Medicine PotassiumIodide = new("H03CA01", "potassium iodide", "tablet", 200, "ug", 1, Oral);
    public static readonly Medicine Omeprazole = new("A02BC01", "omeprazole", "capsule", 20, "mg", 1, Oral);
    public static readonly Medicine Paracetamol = new("N02BE01", "paracetamol", "tablet", 500, "mg", 3, Oral);
    public static readonly Medicine Ors = new("A07CA", "oral rehydration salt formulations", "powder for oral solution", 1, "{sachet}", 3, Oral);
    public static readonly Medicine Amoxicillin = new("J01CA04", "amoxicillin", "capsule", 500, "mg", 3, Oral);
    public static readonly Medicine Azithromycin = new("J01FA10", "azithromycin", "tablet", 500, "mg", 1, Oral);

    private static readonly Code OralRoute = new(ShifoSystems.Snomed, "26643006", "Oral route");
    private static readonly Code RespiratoryRoute = new(ShifoSystems.Snomed, "447694001", "Respiratory tract route");

    /// <summary>The SNOMED CT route of administration.</summary>
    public static Code RouteOf(Medicine m) => m.Route == Oral ? OralRoute : RespiratoryRoute;

    /// <summary>The long-term medicines for a condition (may be none).</summary>
    public static List<Medicine> ForChronic(SynthRandom rng, ConditionDef c)
    {
        var list = new List<Medicine>(2);
        switch (c.Key)
        {
            case "htn":
                list.Add(rng.Pick(new[] { Amlodipine, Enalapril, Lisinopril, Losartan }));
                if (rng.Chance(0.35)) list.Add(rng.Chance(0.5) ? Hydrochlorothiazide : Indapamide);
                break;
            case "t2dm":
                list.Add(Metformin);
                if (rng.Chance(0.4)) list.Add(Gliclazide);
                break;
            case "ihd":
                list.Add(Aspirin); list.Add(Atorvastatin);
                if (rng.Chance(0.6)) list.Add(Bisoprolol);
                break;
            case "copd": list.Add(Salbutamol); if (rng.Chance(0.5)) list.Add(Tiotropium); break;
            case "asthma": list.Add(Salbutamol); if (rng.Chance(0.6)) list.Add(Budesonide); break;
            case "anaemia": list.Add(FerrousSulfate); if (rng.Chance(0.4)) list.Add(FolicAcid); break;
            case "tb": list.Add(TbFixedDose); break;
            case "hbv": if (rng.Chance(0.3)) list.Add(Tenofovir); break;
            case "goitre": list.Add(rng.Chance(0.5) ? Levothyroxine : PotassiumIodide); break;
            case "gastritis": if (rng.Chance(0.6)) list.Add(Omeprazole); break;
        }
        return list;
    }

    /// <summary>The treatment of an acute episode; a penicillin allergy turns amoxicillin into azithromycin.</summary>
    public static Medicine? ForAcute(SynthRandom rng, ConditionDef c, bool penicillinAllergy) => c.Key switch
    {
        "pneumonia" => penicillinAllergy ? Azithromycin : Amoxicillin,
        "age" => rng.Chance(0.6) ? Ors : null,
        _ => rng.Chance(0.5) ? Paracetamol : null,
    };
}
