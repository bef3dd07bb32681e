using System.Text.Json.Nodes;

namespace Shifo.ServerBench;

/// <summary>One benchmark query: a name and how to write it for one generated patient (null when that patient lacks what it needs).</summary>
public sealed record SearchQueryCase(string Name, Func<PatientSample, string?> Url);

/// <summary>What a query needs from one patient of a generated copy.</summary>
public sealed record PatientSample(string Id, string IdentifierSystem, string IdentifierValue, string Family, string BirthDate,
    IReadOnlyList<GeneratedResource> Resources)
{
    public IEnumerable<JsonObject> OfType(string type) => Resources.Where(r => r.Type == type).Select(r => r.Resource);

    public static PatientSample? From(IReadOnlyList<GeneratedResource> copy)
    {
        var patient = copy.FirstOrDefault(r => r.Type == "Patient");
        if (patient?.Resource["identifier"]?.AsArray().OfType<JsonObject>().FirstOrDefault(i => (string?)i["system"] == "http://hl7.org/fhir/sid/us-ssn") is not { } ssn)
            return null;
        var name = patient.Resource["name"]![0]!;
        return new PatientSample(patient.Id, (string)ssn["system"]!, (string)ssn["value"]!, (string)name["family"]!, (string)patient.Resource["birthDate"]!, copy);
    }
}

/// <summary>
/// The typical queries of a shared health record: a registration desk finding a patient, a clinician reading one
/// patient's record, a few population questions. Values come from a random patient of a random copy.
/// </summary>
public static class SearchQueries
{
    private const string Loinc = "http://loinc.org";

    public static readonly IReadOnlyList<SearchQueryCase> All =
    [
        new("patient by identifier", p => $"Patient?identifier={p.IdentifierSystem}|{p.IdentifierValue}"),
        new("patient by name and birth date", p => $"Patient?name={p.Family}&birthdate={p.BirthDate}"),
        new("observations by code and date range", p => ObservationWithDate(p) is var (code, year)
            ? $"Observation?subject=Patient/{p.Id}&code={Loinc}|{code}&date=ge{year - 1}-01-01&date=le{year + 1}-12-31" : null),
        new("patient's encounters sorted by date", p => $"Encounter?subject=Patient/{p.Id}&_sort=-date"),
        new("conditions by value set (:in)", p => $"Condition?subject=Patient/{p.Id}&clinical-status:in=http://hl7.org/fhir/ValueSet/condition-clinical"),
        new("chained: observations by patient identifier", p => ObservationWithDate(p) is var (code, _)
            ? $"Observation?subject:Patient.identifier={p.IdentifierSystem}|{p.IdentifierValue}&code={Loinc}|{code}" : null),
        new("_revinclude: patient with encounters", p => $"Patient?identifier={p.IdentifierSystem}|{p.IdentifierValue}&_revinclude=Encounter:subject"),
        new("_include: reports with results", p => $"DiagnosticReport?subject=Patient/{p.Id}&_include=DiagnosticReport:result"),
        new("latest vital signs", p => $"Observation?subject=Patient/{p.Id}&category=vital-signs&_sort=-date&_count=10"),
        new("compartment: patient's conditions", p => $"Patient/{p.Id}/Condition"),
        new("_has: patient by name with a condition", p => p.OfType("Condition").FirstOrDefault()?["code"]?["coding"]?[0] is { } c
            ? $"Patient?name={p.Family}&_has:Condition:subject:code={(string)c["system"]!}|{(string)c["code"]!}" : null),
        new("immunizations since a date", p => $"Immunization?patient=Patient/{p.Id}&date=ge2015-01-01"),
        new("encounters of one day, by date (all patients)", p => p.OfType("Encounter").Select(e => (string?)e["period"]?["start"]).FirstOrDefault(s => s is not null) is { } start
            ? $"Encounter?date={start[..10]}&_sort=-date&_count=20" : null),
    ];

    private static (string Code, int Year)? ObservationWithDate(PatientSample p)
    {
        foreach (var o in p.OfType("Observation"))
            if (o["code"]?["coding"]?[0] is { } coding && (string?)coding["system"] == Loinc && (string?)o["effectiveDateTime"] is { Length: >= 4 } when)
                return ((string)coding["code"]!, int.Parse(when[..4], System.Globalization.CultureInfo.InvariantCulture));
        return null;
    }
}
