using Shifo.Fhir.Definitions;

namespace Shifo.Synth.Json;

/// <summary>A code with its system and display, ready to write as a Coding.</summary>
public sealed record Code(string System, string Value, string Display)
{
    /// <summary>
    /// A code of a code system the official package holds: the display comes from the package, and a code the
    /// package does not know fails at start-up instead of producing invalid data.
    /// </summary>
    public static Code FromPackage(string system, string code)
    {
        var cs = FhirDefinitions.R4.GetCodeSystem(system)
            ?? throw new InvalidOperationException($"The FHIR package has no code system {system}.");
        if (!cs.Concepts.TryGetValue(code, out var concept))
            throw new InvalidOperationException($"The code system {system} has no code '{code}'.");
        return new Code(system, code, concept.Display ?? code);
    }
}

/// <summary>The codes of the package's own code systems that the generator uses, looked up once.</summary>
internal static class PackageCodes
{
    private const string Tho = "http://terminology.hl7.org/CodeSystem/";

    public static readonly Code Ambulatory = Code.FromPackage(Tho + "v3-ActCode", "AMB");
    public static readonly Code Inpatient = Code.FromPackage(Tho + "v3-ActCode", "IMP");
    public static readonly Code Emergency = Code.FromPackage(Tho + "v3-ActCode", "EMER");

    public static readonly Code ConditionActive = Code.FromPackage(Tho + "condition-clinical", "active");
    public static readonly Code ConditionResolved = Code.FromPackage(Tho + "condition-clinical", "resolved");
    public static readonly Code ConditionConfirmed = Code.FromPackage(Tho + "condition-ver-status", "confirmed");
    public static readonly Code ProblemListItem = Code.FromPackage(Tho + "condition-category", "problem-list-item");
    public static readonly Code EncounterDiagnosis = Code.FromPackage(Tho + "condition-category", "encounter-diagnosis");

    public static readonly Code VitalSigns = Code.FromPackage(Tho + "observation-category", "vital-signs");
    public static readonly Code Laboratory = Code.FromPackage(Tho + "observation-category", "laboratory");
    public static readonly Code High = Code.FromPackage(Tho + "v3-ObservationInterpretation", "H");
    public static readonly Code Low = Code.FromPackage(Tho + "v3-ObservationInterpretation", "L");
    public static readonly Code Normal = Code.FromPackage(Tho + "v3-ObservationInterpretation", "N");

    public static readonly Code AllergyActive = Code.FromPackage(Tho + "allergyintolerance-clinical", "active");
    public static readonly Code AllergyConfirmed = Code.FromPackage(Tho + "allergyintolerance-verification", "confirmed");
    public static readonly Code AllergyUnconfirmed = Code.FromPackage(Tho + "allergyintolerance-verification", "unconfirmed");

    public static readonly Code Outpatient = Code.FromPackage(Tho + "medicationrequest-category", "outpatient");
    public static readonly Code Discharge = Code.FromPackage(Tho + "medicationrequest-category", "discharge");

    public static readonly Code Provider = Code.FromPackage(Tho + "organization-type", "prov");
    public static readonly Code Building = Code.FromPackage(Tho + "location-physical-type", "bu");
    public static readonly Code Doctor = Code.FromPackage(Tho + "practitioner-role", "doctor");
    public static readonly Code NationalPersonId = Code.FromPackage(Tho + "v2-0203", "NI");
    public static readonly Code LicenceNumber = Code.FromPackage(Tho + "v2-0203", "MD");
    public static readonly Code ProviderNumber = Code.FromPackage(Tho + "v2-0203", "PRN");
}
