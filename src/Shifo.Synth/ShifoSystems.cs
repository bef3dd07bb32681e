namespace Shifo.Synth;

/// <summary>The identifier and code system URIs Shifo defines (under its base http://shifo.uz/fhir), and the external ones it uses.</summary>
public static class ShifoSystems
{
    /// <summary>Patient.identifier system of the national personal identification number.</summary>
    public const string Pinfl = "http://shifo.uz/fhir/sid/pinfl";
    /// <summary>National registry number of a health facility.</summary>
    public const string Facility = "http://shifo.uz/fhir/sid/facility";
    /// <summary>Licence number of a health worker in the national registry.</summary>
    public const string PractitionerLicence = "http://shifo.uz/fhir/sid/practitioner-licence";

    public const string Icd10 = "http://hl7.org/fhir/sid/icd-10";
    public const string Loinc = "http://loinc.org";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string Cvx = "http://hl7.org/fhir/sid/cvx";
    public const string Atc = "http://www.whocc.no/atc";
    public const string Snomed = "http://snomed.info/sct";
    public const string Iso3166 = "urn:iso:std:iso:3166";
}
