using Shifo.Fhir.Definitions;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Scopes;
using Shifo.Storage.Search;

namespace Shifo.Server.Security.Enforcement;

/// <summary>
/// What a search may ask, decided before it runs:
/// <list type="bullet">
/// <item>a search across all types is for systems only;</item>
/// <item>a citizen's search of a patient-data type is pinned to their own compartment (Patient: _id = own id); one
/// naming another patient's compartment is refused;</item>
/// <item>practitioners, pharmacists and third parties name exactly one patient when searching a patient-data type
/// other than Patient (Patient/x/Observation, or patient/subject with one Patient reference), and that patient is
/// decided first; their Patient searches are either the registration lookup (exact identifier=system|value, not
/// filtered by care relationship) or name one patient by _id;</item>
/// <item>_has and chains that reach a patient-data type are refused to everyone but systems: they test other
/// patients' data without returning it.</item>
/// </list>
/// Matches and includes are decided one by one afterwards in any case (<see cref="GuardedSearch"/>).
/// </summary>
public sealed class SearchRules(PatientCompartment compartment)
{
    private readonly FhirDefinitions _definitions = FhirDefinitions.R4;

    /// <summary>The query to run (pinned for citizens), the patient to decide first, and whether matches skip the patient decision.</summary>
    public sealed record Plan(SearchQuery Query, string? NamedPatient, bool RegistrationLookup);

    /// <summary>Checks the query; a refusal is returned as its reason (the caller turns it into a 403).</summary>
    public (Plan? Plan, string? Refusal) Prepare(AccessContext access, SearchQuery query)
    {
        if (query.ResourceType is not { } type)
            return access.Role == AccessRole.System ? (new Plan(query, null, false), null) : (null, "Search one resource type at a time (GET [base]/[type]?...).");

        if (access.Role != AccessRole.System)
            foreach (var p in query.Parameters)
                if (ReachesPatientData(type, p)) return (null, $"The search parameter '{p.Key}' looks into patient data through a chain or _has; only systems may use it.");

        var named = NamedPatient(query);
        var actions = ScopeActions.Search;
        if (!ScopeRules.Allows(access, type, actions, named is null ? null : [named]))
            return (null, ScopeRules.Needs(access, type, actions));
        if (!compartment.IsPatientData(type)) return (new Plan(query, null, false), null);

        switch (access.Role)
        {
            case AccessRole.System:
                return (new Plan(query, null, false), null);
            case AccessRole.Admin:
                return (null, "The admin role reaches no patient data.");
            case AccessRole.Citizen:
            {
                if (access.Patient is not { } own) return (null, "The token names no patient.");
                if (query.Compartment is { } c && (c.Type != "Patient" || c.Id != own)) return (null, "A citizen reaches only their own record.");
                var pinned = type == "Patient"
                    ? query with { Parameters = [.. query.Parameters, new SearchParameter("_id", null, own)] }
                    : query with { Compartment = ("Patient", own) };
                return (new Plan(pinned, null, false), null);
            }
            default:
                if (type == "AuditEvent") return (null, "AuditEvents are read only by the systems that keep them and by the citizens they are about.");
                if (type == "Patient")
                {
                    // filtering a Patient search after paging would still tell through next links and sort order
                    // whether patients they may not see match: only the registration lookup and one named patient
                    if (IsIdentifierLookup(query)) return (new Plan(query, null, true), null);
                    if (SingleId(query) is { } id) return (new Plan(query, id, false), null);
                    return (null, "Patient searches by practitioners, pharmacists and third parties: identifier=system|value (the person in front of you) or _id=[one id].");
                }
                return named is null
                    ? (null, $"Name the patient: search {type} in one patient's compartment (Patient/[id]/{type}) or with patient=Patient/[id].")
                    : (new Plan(query, named, false), null);
        }
    }

    /// <summary>The one patient a search names, or null (none, several, or not only through patient/subject).</summary>
    public static string? NamedPatient(SearchQuery query)
    {
        string? named = null;
        if (query.Compartment is { } c)
        {
            if (c.Type != "Patient") return null;
            named = c.Id;
        }
        foreach (var p in query.Parameters)
        {
            if (p.Name is not ("patient" or "subject")) continue;
            if (p.Modifier is not (null or "Patient")) return null;
            var values = p.Value.Split(',');
            if (values.Length != 1) return null;
            var id = PatientCompartment.PatientId(values[0])
                ?? (p.Name == "patient" || p.Modifier == "Patient" ? BareId(values[0]) : null);
            if (id is null || (named is not null && named != id)) return null;
            named = id;
        }
        return named;
    }

    private static string? BareId(string value) =>
        value.Length is > 0 and <= 64 && value.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.') ? value : null;

    /// <summary>The id of a search naming exactly one resource by _id (one _id parameter with one value), else null.</summary>
    private static string? SingleId(SearchQuery query)
    {
        var ids = query.Parameters.Where(p => p.Name == "_id").ToList();
        return query.Compartment is null && ids is [{ Modifier: null } only] && !only.Value.Contains(',') && only.Value.Length > 0 ? only.Value : null;
    }

    private static bool IsIdentifierLookup(SearchQuery query) =>
        query.Compartment is null && query.Parameters.Count(p => !p.Name.StartsWith("_include", StringComparison.Ordinal) && !p.Name.StartsWith("_revinclude", StringComparison.Ordinal) && p.Name is not ("_total" or "_sort")) == 1
        && query.Parameters.Any(p => p.Name == "identifier" && p.Modifier is null && p.Value.Contains('|') && !p.Value.Contains(',')
                                     && p.Value.Split('|') is [{ Length: > 0 }, { Length: > 0 }]);

    /// <summary>Whether a parameter is _has, or a chain one of whose hops may land on a patient-data type.</summary>
    private bool ReachesPatientData(string type, SearchParameter p)
    {
        // _has:Observation:patient:code (nested too): the types it looks into are among its segments
        if (p.Name.StartsWith("_has", StringComparison.Ordinal))
            return p.Key.Split(':').Any(segment => compartment.IsPatientData(segment) || segment.Contains('.'));
        var key = p.Key;
        if (!key.Contains('.')) return false;
        var hops = key.Split('.');
        var types = new HashSet<string>(StringComparer.Ordinal) { type };
        // every hop but the last is a reference; its targets are where the next hop looks
        for (var i = 0; i < hops.Length - 1; i++)
        {
            var colon = hops[i].IndexOf(':');
            var name = colon < 0 ? hops[i] : hops[i][..colon];
            var declared = colon < 0 ? null : hops[i][(colon + 1)..];
            var next = new HashSet<string>(StringComparer.Ordinal);
            if (declared is not null) next.Add(declared);
            else
                foreach (var t in types)
                    foreach (var sp in _definitions.SearchParametersFor(t).Where(sp => sp.Code == name))
                        next.UnionWith(sp.Target.Count > 0 ? sp.Target : ["Patient"]);
            if (next.Count == 0 || next.Any(compartment.IsPatientData)) return true;
            types = next;
        }
        return false;
    }
}
