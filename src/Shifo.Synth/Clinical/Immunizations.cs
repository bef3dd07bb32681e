using Shifo.Synth.Json;
using Shifo.Synth.Patients;
using Shifo.Synth.Writers;

namespace Shifo.Synth.Clinical;

/// <summary>
/// The national immunisation schedule of Uzbekistan as WHO/UNICEF report it (BCG, hepatitis B and polio at birth;
/// pentavalent DTP-HepB-Hib, polio, pneumococcal and rotavirus vaccines in infancy; MMR at 12 months and 6 years;
/// DTP and Td boosters; HPV for girls of 9 since 2019), coded in CVX. Only doses due since electronic records
/// began (2015 here) are written; coverage is high (about 96 %) with short delays.
/// </summary>
public static class Immunizations
{
    private static Code Cvx(string code, string display) => new(ShifoSystems.Cvx, code, display);

    private static readonly Code Bcg = Cvx("19", "BCG");
    private static readonly Code HepBPaediatric = Cvx("08", "Hep B, adolescent or pediatric");
    private static readonly Code Opv = Cvx("02", "OPV");
    private static readonly Code Ipv = Cvx("10", "IPV");
    private static readonly Code Pentavalent = Cvx("102", "DTP-Hib-Hep B");
    private static readonly Code Pcv13 = Cvx("133", "Pneumococcal conjugate PCV 13");
    private static readonly Code Rotavirus = Cvx("119", "rotavirus, monovalent");
    private static readonly Code Mmr = Cvx("03", "MMR");
    private static readonly Code Dtp = Cvx("01", "DTP");
    private static readonly Code Td = Cvx("09", "Td (adult), adsorbed");
    private static readonly Code HpvQuadrivalent = Cvx("62", "HPV, quadrivalent");
    private static readonly Code Influenza = Cvx("141", "Influenza, seasonal, injectable");

    private static readonly DateOnly RecordsStart = new(2015, 1, 1);
    private static readonly DateOnly HpvStart = new(2019, 10, 1);

    // (vaccine, dose number, age in days when due, girls only)
    private static readonly (Code Vaccine, int Dose, int AgeDays, bool GirlsOnly)[] Schedule =
    [
        (HepBPaediatric, 1, 0, false), (Bcg, 1, 2, false), (Opv, 1, 3, false),
        (Pentavalent, 1, 60, false), (Opv, 2, 60, false), (Pcv13, 1, 60, false), (Rotavirus, 1, 60, false),
        (Pentavalent, 2, 90, false), (Opv, 3, 90, false), (Pcv13, 2, 90, false), (Rotavirus, 2, 90, false),
        (Pentavalent, 3, 120, false), (Opv, 4, 120, false), (Ipv, 1, 120, false),
        (Mmr, 1, 365, false), (Pcv13, 3, 365, false),
        (Dtp, 4, 487, false), (Opv, 5, 487, false),
        (Mmr, 2, 6 * 365 + 1, false),
        (Td, 1, 7 * 365 + 2, false),
        (HpvQuadrivalent, 1, 9 * 365 + 2, true),
        (Td, 2, 16 * 365 + 4, false),
    ];

    public static void Write(PatientContext p)
    {
        var rng = p.Rng;
        foreach (var (vaccine, dose, ageDays, girlsOnly) in Schedule)
        {
            if (girlsOnly && p.Male) continue;
            var due = p.BirthDate.AddDays(ageDays);
            if (due < RecordsStart || (vaccine == HpvQuadrivalent && due < HpvStart)) continue;
            var given = due.AddDays(rng.Chance(0.8) ? rng.Next(8) : rng.Next(60));
            if (given > p.ReferenceDate || !rng.Chance(0.96)) continue;
            WriteOne(p, vaccine, dose, given);
        }
        // seasonal influenza for people of 65 and over, about a fifth of them each autumn
        if (p.Age >= 65)
            for (var year = p.ReferenceDate.Year - 3; year < p.ReferenceDate.Year; year++)
                if (rng.Chance(0.2)) WriteOne(p, Influenza, 1, new DateOnly(year, 10, 1).AddDays(rng.Next(60)));
    }

    private static void WriteOne(PatientContext p, Code vaccine, int dose, DateOnly date)
    {
        var w = p.Sink.BeginResource("Immunization", p.Rng.Uuid());
        w.WriteString("status", "completed");
        w.WriteConcept("vaccineCode", vaccine);
        w.WriteReference("patient", p.PatientRef);
        w.WriteDateTime("occurrenceDateTime", date.ToDateTime(new TimeOnly(9 + p.Rng.Next(8), p.Rng.Next(60))));
        w.WriteBoolean("primarySource", true);
        w.WriteStartArray("performer");
        w.WriteStartObject();
        w.WriteReference("actor", DirectoryReference.Of("Practitioner", p.Doctor.Id));
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("protocolApplied");
        w.WriteStartObject();
        w.WriteNumber("doseNumberPositiveInt", dose);
        w.WriteEndObject();
        w.WriteEndArray();
        p.Sink.EndResource();
    }
}
