using System.Text.Json;
using Shifo.Synth.Clinical;
using Shifo.Synth.Facilities;
using Shifo.Synth.Geography;
using Shifo.Synth.Json;
using Shifo.Synth.Names;
using Shifo.Synth.Writers;

namespace Shifo.Synth.Patients;

/// <summary>
/// Generates one patient's whole record and writes it to the sink: first everything is decided (who they are,
/// their conditions, their encounters and resource ids), then written in order — Patient, Encounter, Condition,
/// Observation, Immunization, AllergyIntolerance, MedicationRequest.
/// </summary>
internal sealed class PatientGenerator(HealthDirectory directory, DateOnly referenceDate)
{
    private readonly PinflSerials _serials = new(referenceDate);
    private static readonly string[] MobilePrefixes = ["90", "91", "93", "94", "95", "97", "98", "99", "88", "33"];

    private static readonly Code CheckUpType = new(ShifoSystems.Snomed, "185349003", "Encounter for check up");
    private static readonly Code FollowUpType = new(ShifoSystems.Snomed, "390906007", "Follow-up encounter");
    private static readonly Code ConsultationType = new(ShifoSystems.Snomed, "11429006", "Consultation");
    private static readonly Code AdmissionType = new(ShifoSystems.Snomed, "32485007", "Admission to hospital");
    private static readonly Code EmergencyType = new(ShifoSystems.Snomed, "50849002", "Emergency room admission");

    public void Generate(IResourceSink sink, SynthRandom rng, Region region)
    {
        var district = region.Districts[DistrictTable(region).Draw(rng)];
        var (age, male) = AgePyramid.Draw(rng);
        DateOnly birth;
        int serial;
        // a full (day, district, sex) cell is practically impossible; drawing another birthday keeps PINFLs unique regardless
        do
        {
            birth = referenceDate.AddYears(-age - 1).AddDays(1 + rng.Next(365));
            serial = _serials.Next(district.Code, birth, male);
        } while (serial < 0);
        var pinfl = Pinfl.Generate(male, birth, district.Code, serial);
        var facility = directory.PrimaryCare(region, district, rng);
        var doctor = PickDoctor(facility, age, rng);

        var p = new PatientContext
        {
            Sink = sink, Rng = rng, Id = rng.Uuid(), ReferenceDate = referenceDate, BirthDate = birth, Male = male,
            Region = region, District = district, PrimaryCare = facility, Doctor = doctor,
            HeightCm = Math.Clamp(rng.Normal(male ? 172 : 160, male ? 7 : 6), 140, 205),
            Bmi = Math.Clamp(rng.Normal(age < 30 ? 23.5 : 27, 4.3), 16, 48),
        };
        foreach (var def in ConditionCatalog.DrawChronic(rng, new Person(age, male, p.Bmi)))
        {
            var minAge = def == ConditionCatalog.Anaemia || def == ConditionCatalog.Asthma ? 0 : Math.Min(age, 18);
            var onsetAge = rng.Between(Math.Max(minAge, age - 20), age);
            var onset = birth.AddYears(onsetAge).AddDays(rng.Next(365));
            if (onset > referenceDate) onset = referenceDate.AddDays(-rng.Next(30));
            if (onset < birth) onset = birth;
            p.Conditions.Add(new PatientCondition(def, rng.Uuid(), onset));
        }
        PlanEncounters(p);

        sink.BeginGroup(directory: false);
        WritePatient(p, pinfl);
        foreach (var e in p.Encounters) WriteEncounter(p, e);
        foreach (var c in p.Conditions) WriteCondition(p, c);
        var heightMeasured = false;
        foreach (var e in p.Encounters)
        {
            VitalSigns.Write(p, e, measureHeight: !heightMeasured);
            heightMeasured = true;
            LabResults.Write(p, e);
        }
        Immunizations.Write(p);
        Allergies.Write(p);
        Prescriptions.Write(p);
        sink.EndGroup();
    }

    private static readonly Dictionary<string, WeightedTable> DistrictTables = Regions.All.ToDictionary(
        r => r.Code, r => new WeightedTable(r.Districts.Select(d => d.Weight).ToList()));

    private static WeightedTable DistrictTable(Region r) => DistrictTables[r.Code];

    private static Clinician PickDoctor(Facility f, int age, SynthRandom rng)
    {
        // children see a paediatrician where the clinic has one, others a family doctor; else anyone on the staff
        var wanted = age < 15 ? Specialties.Paediatrics : Specialties.FamilyPractice;
        var matching = 0;
        foreach (var c in f.Staff) if (c.Specialty == wanted) matching++;
        if (matching == 0) return rng.Pick(f.Staff);
        var k = rng.Next(matching);
        foreach (var c in f.Staff)
            if (c.Specialty == wanted && k-- == 0) return c;
        return f.Staff[0];
    }

    private void PlanEncounters(PatientContext p)
    {
        var rng = p.Rng;
        var age = p.Age;
        var windowStart = p.BirthDate > referenceDate.AddYears(-3) ? p.BirthDate : referenceDate.AddYears(-3);
        var windowDays = Math.Max(1, referenceDate.DayNumber - windowStart.DayNumber);
        var chronic = p.Conditions.Count;
        var lambda = 1.0 + 0.7 * chronic + (age < 2 ? 2 : age < 6 ? 1 : 0) + (age >= 60 ? 0.8 : 0);
        var n = Math.Clamp(rng.Poisson(lambda), 1, 14);
        var frail = age >= 60 || p.Has(ConditionCatalog.IschaemicHeart) || p.Has(ConditionCatalog.Copd);

        var planned = new List<PlannedEncounter>(n);
        for (var i = 0; i < n; i++)
        {
            var day = windowStart.AddDays(rng.Next(windowDays));
            EncounterKind kind;
            var x = rng.NextDouble();
            if (x < 0.03) kind = EncounterKind.Emergency;
            else if (frail && x < 0.09) kind = EncounterKind.Inpatient;
            else if (chronic > 0 && rng.Chance(0.55)) kind = EncounterKind.FollowUp;
            else kind = rng.Chance(0.45) ? EncounterKind.Illness : EncounterKind.CheckUp;

            DateTime start, end;
            Facility facility;
            Clinician clinician;
            if (kind is EncounterKind.Inpatient or EncounterKind.Emergency)
            {
                facility = directory.Hospital(p.Region, p.District);
                clinician = rng.Pick(facility.Staff);
                start = day.ToDateTime(new TimeOnly(rng.Next(24), rng.Next(60)));
                end = kind == EncounterKind.Inpatient ? start.AddDays(rng.Between(3, 10)).AddHours(rng.Next(6)) : start.AddHours(rng.Between(2, 8));
            }
            else
            {
                facility = p.PrimaryCare;
                clinician = rng.Chance(0.75) ? p.Doctor : rng.Pick(facility.Staff);
                start = day.ToDateTime(new TimeOnly(8 + rng.Next(9), rng.Next(60)));
                end = start.AddMinutes(15 + rng.Next(30));
            }
            if (DateOnly.FromDateTime(end) > referenceDate) continue; // still running on the reference date: left out
            planned.Add(new PlannedEncounter(rng.Uuid(), kind, start, end, facility, clinician));
        }
        if (planned.Count == 0)
        {
            var day = windowStart.AddDays(rng.Next(windowDays));
            var start = day.ToDateTime(new TimeOnly(9 + rng.Next(7), rng.Next(60)));
            planned.Add(new PlannedEncounter(rng.Uuid(), EncounterKind.CheckUp, start, start.AddMinutes(20), p.PrimaryCare, p.Doctor));
        }
        planned.Sort((a, b) => a.Start.CompareTo(b.Start));
        p.Encounters.AddRange(planned);

        // long-term conditions: recorded at the first visit after onset that deals with them
        foreach (var c in p.Conditions.ToList())
        {
            PlannedEncounter? at = null;
            foreach (var e in planned)
                if (DateOnly.FromDateTime(e.Start) >= c.Onset && e.Kind is EncounterKind.FollowUp or EncounterKind.Inpatient or EncounterKind.CheckUp) { at = e; break; }
            at ??= planned[^1];
            if (c.Onset > DateOnly.FromDateTime(at.Start)) c.Onset = DateOnly.FromDateTime(at.Start).AddDays(-rng.Next(60));
            if (c.Onset < p.BirthDate) c.Onset = p.BirthDate;
            c.RecordedAt = at;
            at.Reasons.Add(c);
        }
        var longTerm = p.Conditions.ToList();
        foreach (var e in planned)
        {
            switch (e.Kind)
            {
                case EncounterKind.FollowUp when longTerm.Count > 0 && e.Reasons.Count == 0:
                    e.Reasons.Add(longTerm[rng.Next(longTerm.Count)]);
                    break;
                case EncounterKind.Illness or EncounterKind.Emergency:
                case EncounterKind.Inpatient when e.Reasons.Count == 0:
                    var def = e.Kind == EncounterKind.Inpatient ? ConditionCatalog.Pneumonia : ConditionCatalog.DrawAcute(rng, p.AgeOn(DateOnly.FromDateTime(e.Start)));
                    var acute = new PatientCondition(def, rng.Uuid(), DateOnly.FromDateTime(e.Start).AddDays(-rng.Between(1, 5)))
                    {
                        RecordedAt = e,
                        Abated = e.End.AddDays(rng.Between(5, 14)),
                    };
                    if (acute.Onset < p.BirthDate) acute.Onset = p.BirthDate;
                    p.Conditions.Add(acute);
                    e.Reasons.Add(acute);
                    break;
            }
        }
    }

    private static void WritePatient(PatientContext p, string pinfl)
    {
        var rng = p.Rng;
        var w = p.Sink.BeginResource("Patient", p.Id);
        w.WriteStartArray("identifier");
        w.WriteIdentifier(PackageCodes.NationalPersonId, ShifoSystems.Pinfl, pinfl);
        w.WriteEndArray();
        w.WriteBoolean("active", true);
        var name = PersonName.Draw(rng, p.Male);
        name.WriteNames(w, rng);
        if (p.Age >= 14 && rng.Chance(0.75))
        {
            var prefix = rng.Pick(MobilePrefixes);
            var number = rng.Next(10_000_000).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
            // registries hold phone numbers with and without spaces
            var phone = rng.Chance(0.5) ? $"+998 {prefix} {number[..3]} {number[3..5]} {number[5..]}" : $"+998{prefix}{number}";
            w.WriteStartArray("telecom");
            w.WriteStartObject();
            w.WriteString("system", "phone");
            w.WriteString("value", phone);
            w.WriteString("use", "mobile");
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteString("gender", p.Male ? "male" : "female");
        w.WriteDate("birthDate", p.BirthDate);
        WriteAddress(w, p, rng);
        w.WriteStartArray("communication");
        w.WriteStartObject();
        var russian = name.Origin != NameOrigin.Uzbek || rng.Chance(0.1);
        w.WriteStartObject("language");
        w.WriteStartArray("coding");
        w.WriteCoding(new Code("urn:ietf:bcp:47", russian ? "ru" : "uz", russian ? "Russian" : "Uzbek"));
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteBoolean("preferred", true);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteReferenceArray("generalPractitioner", DirectoryReference.Of("Practitioner", p.Doctor.Id), p.Doctor.Name.Display);
        w.WriteReference("managingOrganization", DirectoryReference.Of("Organization", p.PrimaryCare.Id), p.PrimaryCare.Name);
        p.Sink.EndResource();
    }

    private static void WriteAddress(Utf8JsonWriter w, PatientContext p, SynthRandom rng)
    {
        var capital = p.Region.Code == "UZ-TK";
        var street = rng.Pick(Names.NameLists.Streets);
        var line = $"{street} ko'chasi, {rng.Between(1, 150)}-uy";
        if ((capital || p.District.IsCity) && rng.Chance(0.6)) line += $", {rng.Between(1, 120)}-xonadon";
        w.WriteStartArray("address");
        w.WriteStartObject();
        w.WriteString("use", "home");
        w.WriteString("type", "physical");
        w.WriteStartArray("line");
        w.WriteStringValue(line);
        w.WriteEndArray();
        w.WriteString("city", capital ? "Toshkent" : p.District.Name);
        w.WriteString("district", capital ? p.District.Name + " tumani" : p.District.AddressName);
        w.WriteString("state", p.Region.NameUz);
        w.WriteString("country", "UZ");
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteEncounter(PatientContext p, PlannedEncounter e)
    {
        var w = p.Sink.BeginResource("Encounter", e.Id);
        w.WriteString("status", "finished");
        w.WritePropertyName("class");
        w.WriteCoding(e.Kind switch
        {
            EncounterKind.Inpatient => PackageCodes.Inpatient,
            EncounterKind.Emergency => PackageCodes.Emergency,
            _ => PackageCodes.Ambulatory,
        });
        w.WriteConceptArray("type", e.Kind switch
        {
            EncounterKind.CheckUp => CheckUpType,
            EncounterKind.FollowUp => FollowUpType,
            EncounterKind.Illness => ConsultationType,
            EncounterKind.Inpatient => AdmissionType,
            _ => EmergencyType,
        });
        w.WriteReference("subject", p.PatientRef);
        w.WriteStartArray("participant");
        w.WriteStartObject();
        w.WriteReference("individual", DirectoryReference.Of("Practitioner", e.Clinician.Id), e.Clinician.Name.Display);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WritePeriod("period", e.Start, e.End);
        if (e.Reasons.Count > 0)
        {
            w.WriteStartArray("reasonReference");
            foreach (var c in e.Reasons)
            {
                w.WriteStartObject();
                w.WriteString("reference", p.Ref("Condition", c.Id));
                w.WriteString("display", c.Def.Icd10.Display);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteStartArray("location");
        w.WriteStartObject();
        w.WriteReference("location", DirectoryReference.Of("Location", e.Facility.LocationId), e.Facility.Name);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteReference("serviceProvider", DirectoryReference.Of("Organization", e.Facility.Id), e.Facility.Name);
        p.Sink.EndResource();
    }

    private void WriteCondition(PatientContext p, PatientCondition c)
    {
        var e = c.RecordedAt!;
        var resolved = c.Abated is { } a && DateOnly.FromDateTime(a) <= referenceDate;
        var w = p.Sink.BeginResource("Condition", c.Id);
        w.WriteConcept("clinicalStatus", resolved ? PackageCodes.ConditionResolved : PackageCodes.ConditionActive);
        w.WriteConcept("verificationStatus", PackageCodes.ConditionConfirmed);
        w.WriteConceptArray("category", c.Def.Chronic ? PackageCodes.ProblemListItem : PackageCodes.EncounterDiagnosis);
        w.WriteConcept("code", c.Def.Icd10, c.Def.Icd10.Display);
        w.WriteReference("subject", p.PatientRef);
        w.WriteReference("encounter", p.Ref("Encounter", e.Id));
        w.WriteDate("onsetDateTime", c.Onset);
        if (resolved) w.WriteDateTime("abatementDateTime", c.Abated!.Value);
        w.WriteDateTime("recordedDate", e.Start.AddMinutes(10));
        w.WriteReference("recorder", DirectoryReference.Of("Practitioner", e.Clinician.Id));
        p.Sink.EndResource();
    }
}
