using Shifo.Synth.Json;

namespace Shifo.Synth.Facilities;

/// <summary>Physician specialties (SNOMED CT practice codes, as in the R4 c80-practice-codes value set) and how common each is.</summary>
public static class Specialties
{
    public static readonly Code FamilyPractice = Snomed("419772000", "Family practice");
    public static readonly Code InternalMedicine = Snomed("419192003", "Internal medicine");
    public static readonly Code Cardiology = Snomed("394579002", "Cardiology");
    public static readonly Code Endocrinology = Snomed("394583002", "Endocrinology");
    public static readonly Code Pulmonology = Snomed("418112009", "Pulmonary medicine");
    public static readonly Code Paediatrics = Snomed("394537008", "Pediatric specialty");
    public static readonly Code Obstetrics = Snomed("394585009", "Obstetrics and gynecology");
    public static readonly Code Surgery = Snomed("394609007", "Surgery-general");
    public static readonly Code Neurology = Snomed("394591006", "Neurology");

    private static readonly Code[] Primary = [FamilyPractice, Paediatrics, Obstetrics, InternalMedicine];
    private static readonly WeightedTable PrimaryMix = new([60, 15, 10, 15]);
    private static readonly Code[] Hospital = [InternalMedicine, Cardiology, Endocrinology, Pulmonology, Paediatrics, Obstetrics, Surgery, Neurology, FamilyPractice];
    private static readonly WeightedTable HospitalMix = new([20, 12, 6, 6, 12, 12, 18, 8, 6]);

    public static Code Draw(SynthRandom rng, bool hospital) =>
        hospital ? Hospital[HospitalMix.Draw(rng)] : Primary[PrimaryMix.Draw(rng)];

    private static Code Snomed(string code, string display) => new(ShifoSystems.Snomed, code, display);
}
