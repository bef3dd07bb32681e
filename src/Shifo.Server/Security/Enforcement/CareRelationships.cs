using Shifo.Storage.Search;

namespace Shifo.Server.Security.Enforcement;

/// <summary>
/// Whether an organization or a practitioner takes part in a patient's care: an Encounter (subject = patient, and
/// service-provider = organization or participant = practitioner), an EpisodeOfCare (patient, managing
/// organization), a CareTeam (subject, participant = organization or practitioner), or the Patient's
/// generalPractitioner / managingOrganization (patients are attached to a family polyclinic). Asked of the real store.
/// </summary>
public sealed class CareRelationships(TrustedStore trusted)
{
    public async Task<bool> ExistsAsync(string patientId, string? organization, string? practitioner, CancellationToken ct)
    {
        var patient = "Patient/" + patientId;
        var carers = string.Join(',', new[] { organization, practitioner }.Where(r => r is not null));
        if (carers.Length == 0) return false;

        if (await AnyAsync("Patient", ct, ("_id", patientId), ("general-practitioner", carers))) return true;
        if (organization is not null && await AnyAsync("Patient", ct, ("_id", patientId), ("organization", organization))) return true;
        if (organization is not null && await AnyAsync("Encounter", ct, ("subject", patient), ("service-provider", organization))) return true;
        if (practitioner is not null && practitioner.StartsWith("Practitioner", StringComparison.Ordinal)
            && await AnyAsync("Encounter", ct, ("subject", patient), ("participant", practitioner))) return true;
        if (organization is not null && await AnyAsync("EpisodeOfCare", ct, ("patient", patient), ("organization", organization))) return true;
        return await AnyAsync("CareTeam", ct, ("subject", patient), ("participant", carers));
    }

    private async Task<bool> AnyAsync(string type, CancellationToken ct, params (string Name, string Value)[] parameters)
    {
        var page = await trusted.Store.SearchAsync(new SearchQuery
        {
            ResourceType = type,
            Parameters = parameters.Select(p => new SearchParameter(p.Name, null, p.Value)).ToList(),
            Count = 1,
            Total = TotalMode.None,
        }, ct);
        return page.Matches.Count > 0;
    }
}
