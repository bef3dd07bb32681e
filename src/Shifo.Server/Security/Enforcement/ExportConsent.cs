using Shifo.Server.Security.Access;
using Shifo.Server.Security.Scopes;
using Shifo.Storage.Model;

namespace Shifo.Server.Security.Enforcement;

/// <summary>
/// What a bulk $export may contain, decided as a read by the system client that started it would be: a resource of
/// patient data goes into the files only when every patient it belongs to is open to that client — so a Consent
/// denying the client's organization (or denying everyone) keeps that patient's data out. Scopes were checked at the
/// kick-off (<see cref="BulkAccess"/>); the job runs later, on the real store, so it asks here for each resource.
/// </summary>
public sealed class ExportConsent(PatientCompartment compartment, PatientAccess patients)
{
    /// <summary>The client that started the export, as the access decisions see it (a system; no break-the-glass in bulk).</summary>
    public static AccessContext Caller(string? clientId, string? organization, string? fhirUser) => new()
    {
        Subject = clientId ?? "bulk-export",
        ClientId = clientId ?? "bulk-export",
        Role = AccessRole.System,
        Scopes = ScopeSet.Parse("system/*.rs"),
        Organization = organization,
        FhirUser = fhirUser,
        ExpiresAt = DateTimeOffset.MaxValue,
    };

    public async ValueTask<bool> MayExportAsync(AccessContext caller, StoredResource resource, CancellationToken ct)
    {
        if (resource.Json is null || !compartment.IsPatientData(resource.ResourceType)) return resource.Json is not null;
        foreach (var patient in compartment.PatientsOf(resource))
            if (!(await patients.DecideAsync(caller, patient, resource.ResourceType, startsCare: false, ct)).Allowed) return false;
        return true;
    }
}
