using Shifo.Synth.Clinical;
using Shifo.Synth.Facilities;
using Shifo.Synth.Geography;
using Shifo.Synth.Writers;

namespace Shifo.Synth.Patients;

/// <summary>A condition of this patient, with the resource id it is written under.</summary>
public sealed class PatientCondition(ConditionDef def, string id, DateOnly onset)
{
    public ConditionDef Def { get; } = def;
    public string Id { get; } = id;
    public DateOnly Onset { get; set; } = onset;
    public PlannedEncounter? RecordedAt { get; set; }
    public DateTime? Abated { get; set; }
}

public enum EncounterKind { CheckUp, FollowUp, Illness, Inpatient, Emergency }

/// <summary>An encounter decided before anything is written, so that resources can refer to each other.</summary>
public sealed class PlannedEncounter(string id, EncounterKind kind, DateTime start, DateTime end, Facility facility, Clinician clinician)
{
    public string Id { get; } = id;
    public EncounterKind Kind { get; } = kind;
    public DateTime Start { get; } = start;
    public DateTime End { get; } = end;
    public Facility Facility { get; } = facility;
    public Clinician Clinician { get; } = clinician;
    public List<PatientCondition> Reasons { get; } = [];
}

/// <summary>Everything the resource writers need to know about the patient being generated.</summary>
public sealed class PatientContext
{
    public required IResourceSink Sink { get; init; }
    public required SynthRandom Rng { get; init; }
    public required string Id { get; init; }
    public required DateOnly ReferenceDate { get; init; }
    public required DateOnly BirthDate { get; init; }
    public required bool Male { get; init; }
    public required Region Region { get; init; }
    public required District District { get; init; }
    public required Facility PrimaryCare { get; init; }
    public required Clinician Doctor { get; init; }
    /// <summary>Adult height in cm, or the height curve's value at the reference date for a child.</summary>
    public required double HeightCm { get; init; }
    public required double Bmi { get; init; }
    public List<PatientCondition> Conditions { get; } = [];
    public List<PlannedEncounter> Encounters { get; } = [];
    public bool PenicillinAllergy { get; set; }

    public int Age => AgeOn(ReferenceDate);

    public int AgeOn(DateOnly d)
    {
        var age = d.Year - BirthDate.Year;
        if (d < BirthDate.AddYears(age)) age--;
        return age;
    }

    public bool Has(ConditionDef def)
    {
        foreach (var c in Conditions) if (c.Def == def && c.Def.Chronic) return true;
        return false;
    }

    public string PatientRef => Sink.LocalReference("Patient", Id);
    public string Ref(string type, string id) => Sink.LocalReference(type, id);
}
