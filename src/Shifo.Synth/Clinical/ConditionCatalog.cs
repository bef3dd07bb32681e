using Shifo.Synth.Json;

namespace Shifo.Synth.Clinical;

/// <summary>What the generator knows about a person when it draws their conditions.</summary>
public readonly record struct Person(int Age, bool Male, double Bmi);

/// <summary>A condition the generator can give someone: its ICD-10 code and how likely it is.</summary>
public sealed record ConditionDef(string Key, Code Icd10, bool Chronic);

/// <summary>
/// Long-term conditions with prevalence by age and sex. Rates are Shifo's approximations shaped on published
/// figures for Uzbekistan and Central Asia (WHO STEPS 2019: raised blood pressure in about a third of adults,
/// diabetes about 7–8 %; anaemia in about a third of women of reproductive age; tuberculosis incidence about
/// 60–70 per 100,000 a year) — plausible, not epidemiology. Comorbidity raises the odds (hypertension and diabetes
/// make ischaemic heart disease and kidney disease likelier).
/// </summary>
public static class ConditionCatalog
{
    private static Code Icd(string code, string display) => new(ShifoSystems.Icd10, code, display);

    public static readonly ConditionDef Hypertension = new("htn", Icd("I10", "Essential (primary) hypertension"), true);
    public static readonly ConditionDef Diabetes2 = new("t2dm", Icd("E11.9", "Type 2 diabetes mellitus without complications"), true);
    public static readonly ConditionDef IschaemicHeart = new("ihd", Icd("I25.9", "Chronic ischaemic heart disease, unspecified"), true);
    public static readonly ConditionDef Copd = new("copd", Icd("J44.9", "Chronic obstructive pulmonary disease, unspecified"), true);
    public static readonly ConditionDef Asthma = new("asthma", Icd("J45.9", "Asthma, unspecified"), true);
    public static readonly ConditionDef Anaemia = new("anaemia", Icd("D50.9", "Iron deficiency anaemia, unspecified"), true);
    public static readonly ConditionDef Tuberculosis = new("tb", Icd("A15.0", "Tuberculosis of lung, confirmed by sputum microscopy with or without culture"), true);
    public static readonly ConditionDef HepatitisB = new("hbv", Icd("B18.1", "Chronic viral hepatitis B without delta-agent"), true);
    public static readonly ConditionDef Goitre = new("goitre", Icd("E04.9", "Nontoxic goitre, unspecified"), true);
    public static readonly ConditionDef KidneyDisease = new("ckd", Icd("N18.3", "Chronic kidney disease, stage 3"), true);
    public static readonly ConditionDef Gastritis = new("gastritis", Icd("K29.5", "Chronic gastritis, unspecified"), true);
    public static readonly ConditionDef Obesity = new("obesity", Icd("E66.9", "Obesity, unspecified"), true);

    // acute episodes, diagnosed at an encounter and resolved
    public static readonly ConditionDef UpperRespiratory = new("uri", Icd("J06.9", "Acute upper respiratory infection, unspecified"), false);
    public static readonly ConditionDef Gastroenteritis = new("age", Icd("A09.9", "Gastroenteritis and colitis of unspecified origin"), false);
    public static readonly ConditionDef Pneumonia = new("pneumonia", Icd("J18.9", "Pneumonia, unspecified"), false);

    /// <summary>Draws the long-term conditions of one person, comorbidity-aware, in a fixed order.</summary>
    public static List<ConditionDef> DrawChronic(SynthRandom rng, Person p)
    {
        var list = new List<ConditionDef>(4);
        var a = p.Age;
        var sex = p.Male ? 1.0 : 0.0;
        bool Has(ConditionDef d) => list.Contains(d);
        void Maybe(ConditionDef d, double prob) { if (prob > 0 && rng.Chance(Math.Min(prob, 0.95))) list.Add(d); }

        var obese = p.Bmi >= 30;
        Maybe(Hypertension, Band(a, 18, 0.03, 30, 0.10, 40, 0.24, 50, 0.40, 60, 0.52, 70, 0.60) * (obese ? 1.5 : 1));
        Maybe(Diabetes2, Band(a, 25, 0.005, 30, 0.02, 40, 0.06, 50, 0.11, 60, 0.15, 70, 0.14) * (p.Male ? 0.95 : 1.1) * (obese ? 2.0 : 1));
        Maybe(IschaemicHeart, Band(a, 40, 0.02, 50, 0.06, 60, 0.12, 70, 0.20, 200, 0, 200, 0)
            * (p.Male ? 1.4 : 0.7) * (Has(Hypertension) ? 1.8 : 1) * (Has(Diabetes2) ? 1.5 : 1));
        Maybe(Copd, Band(a, 40, 0.015, 50, 0.035, 60, 0.06, 200, 0, 200, 0, 200, 0) * (p.Male ? 2.0 : 0.5));
        Maybe(Asthma, a >= 3 ? 0.025 : 0);
        Maybe(Anaemia, p.Male ? (a < 5 ? 0.18 : 0.04) : a < 5 ? 0.18 : a is >= 15 and < 50 ? 0.30 : 0.12);
        Maybe(Tuberculosis, a >= 15 ? 0.0012 * (1 + 0.5 * sex) : 0.0003);
        Maybe(HepatitisB, a >= 18 ? 0.015 : 0.002);
        Maybe(Goitre, a >= 12 ? (p.Male ? 0.015 : 0.06) : 0);
        Maybe(KidneyDisease, a >= 50 ? 0.02 * (Has(Diabetes2) ? 3 : 1) * (Has(Hypertension) ? 1.5 : 1) : 0);
        Maybe(Gastritis, a >= 18 ? 0.08 : 0.01);
        if (obese && a >= 18 && rng.Chance(0.6)) list.Add(Obesity); // not every obese adult carries the diagnosis
        return list;
    }

    /// <summary>A step function of age: the rate of the highest band whose lower bound the age reaches.</summary>
    private static double Band(int age, int a1, double r1, int a2, double r2, int a3, double r3, int a4, double r4, int a5, double r5, int a6, double r6)
    {
        if (age >= a6) return r6;
        if (age >= a5) return r5;
        if (age >= a4) return r4;
        if (age >= a3) return r3;
        if (age >= a2) return r2;
        return age >= a1 ? r1 : 0;
    }

    /// <summary>The acute episode behind an illness visit: mostly respiratory, gut infections in small children.</summary>
    public static ConditionDef DrawAcute(SynthRandom rng, int age) =>
        rng.NextDouble() switch
        {
            < 0.06 => Pneumonia,
            var x when x < (age < 5 ? 0.45 : 0.2) => Gastroenteritis,
            _ => UpperRespiratory,
        };
}
