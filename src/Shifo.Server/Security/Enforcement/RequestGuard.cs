using Shifo.Fhir.Model;
using Shifo.Server.Pipeline;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Audit;
using Shifo.Server.Security.Scopes;
using Shifo.Storage.Model;

namespace Shifo.Server.Security.Enforcement;

/// <summary>
/// The decisions of one request, shared by <see cref="GuardedResourceStore"/> and <see cref="GuardedWriteScope"/>:
/// who the caller is (from the HttpContext; none means refuse), whether a stored or new resource may be reached
/// (scopes, then whose data it is and <see cref="PatientAccess"/>), and what goes to the audit trail. Every refusal
/// is a 403 whose message names the rule, never data; it is reported to <see cref="IAuditTrail"/> too.
/// </summary>
public sealed class RequestGuard(IHttpContextAccessor http, PatientCompartment compartment, PatientAccess patients, IAuditTrail audit)
{
    /// <summary>HttpContext.Items key under which an operation names itself for the audit ("$everything").</summary>
    public const string OperationItem = "shifo.audit.operation";

    // what this request recorded already: most record one access or none, so the set is made at the second
    private (string Interaction, string? What, string Patient)? _firstRecorded;
    private HashSet<(string Interaction, string? What, string Patient)>? _recorded;
    private AccessContext? _access;

    /// <summary>The verified caller; a request without one (or work outside any request) is refused: fail closed.</summary>
    public AccessContext Access => _access ??= http.HttpContext?.Access()
        ?? throw FhirProblem.Of(ProblemKind.Forbidden, "forbidden", "The request has no verified caller.");

    /// <summary>Security is off: the guard stands aside.</summary>
    public bool Unrestricted => ReferenceEquals(Access, AccessContext.Unrestricted);

    public PatientCompartment Compartment => compartment;

    public PatientAccess PatientAccess => patients;

    /// <summary>Whether resources of this type belong to patients (the Patient compartment's types and Patient).</summary>
    public bool IsPatientData(string type) => compartment.IsPatientData(type);

    /// <summary>The decision for one resource as read (read, vread, history entries, search matches and includes).</summary>
    public async ValueTask<Verdict> DecideStoredAsync(StoredResource stored, ScopeActions actions, CancellationToken ct)
    {
        var access = Access;
        var type = stored.ResourceType;
        if (stored.Json is null)
        {
            // a deletion carries no content: only systems see it beyond its own resource's history
            return ScopeRules.Allows(access, type, actions, null) ? Verdict.Allowed([]) : Verdict.Refused(ScopeRules.Needs(access, type, actions));
        }
        return await DecideAsync(type, compartment.PatientsOf(stored), actions, startsCare: false, write: false, ct);
    }

    /// <summary>
    /// A match of an exact identifier=system|value Patient search by a practitioner, pharmacist or third party: the
    /// registration desk finds the person in front of it, so scopes alone decide (the lookup is still audited).
    /// </summary>
    public ValueTask<Verdict> DecideRegistrationMatchAsync(StoredResource match, CancellationToken ct) =>
        ValueTask.FromResult(ScopeRules.Allows(Access, match.ResourceType, ScopeActions.Search, null)
            ? Verdict.Allowed(match.Json is null ? [] : [match.Id])
            : Verdict.Refused(ScopeRules.Needs(Access, match.ResourceType, ScopeActions.Search)));

    /// <summary>The decision for a write: the new content and (update, patch, delete) the current content both count.</summary>
    public async ValueTask<Verdict> DecideWriteAsync(string type, ElementNode? next, StoredResource? current, ScopeActions actions, CancellationToken ct)
    {
        var owners = new HashSet<string>(StringComparer.Ordinal);
        if (next is not null) owners.UnionWith(compartment.PatientsOf(next));
        if (current?.Json is not null) owners.UnionWith(compartment.PatientsOf(current));
        if (type == "Consent" && WritesOwnConsent(next, current))
            return Verdict.Refused("No one writes the Consent that judges their own access (a permit naming them, or a change to a deny that applies to them): the patient or a system records it.", owners);
        var startsCare = next is not null && current is null && StartsCare(next);
        var verdict = await DecideAsync(type, owners.ToArray(), actions, startsCare, write: true, ct);
        // a resource of a patient-data type naming no patient: a citizen may not write it either
        return verdict;
    }

    private async ValueTask<Verdict> DecideAsync(string type, string[] owners, ScopeActions actions, bool startsCare, bool write, CancellationToken ct)
    {
        var access = Access;
        if (type == "AuditEvent" && access.Role is not (AccessRole.System or AccessRole.Citizen))
            return Verdict.Refused("AuditEvents are read only by the systems that keep them and by the citizens they are about.");
        if (type == "AuditEvent" && write && access.Role != AccessRole.System)
            return Verdict.Refused("Only systems record AuditEvents.");
        if (!ScopeRules.Allows(access, type, actions, owners))
            return Verdict.Refused(ScopeRules.Needs(access, type, actions));
        if (!compartment.IsPatientData(type)) return Verdict.Allowed([]);

        if (access.Role == AccessRole.Citizen)
        {
            // the citizen's own compartment: a resource naming them is theirs to read; a write may name no one else
            var own = access.Patient;
            var ok = own is not null && (write ? owners.Length > 0 && owners.All(p => p == own) : owners.Contains(own));
            return ok ? Verdict.Allowed(owners) : Verdict.Refused("A citizen reaches only their own record.", owners);
        }
        if (access.Role == AccessRole.Admin) return Verdict.Refused("The admin role reaches no patient data.", owners);

        var emergency = false;
        foreach (var patient in owners)
        {
            var decision = await patients.DecideAsync(access, patient, type, startsCare, ct);
            if (!decision.Allowed) return Verdict.Refused(decision.Denied!, owners);
            emergency |= decision.Emergency;
        }
        return Verdict.Allowed(owners, emergency);
    }

    /// <summary>
    /// Whether a practitioner, pharmacist or third party would grant itself access (new content with a permit naming
    /// it) or lift a deny that applies to it (changing or deleting a Consent holding one); breaking the glass does
    /// not cover this either, since the change would outlive the emergency.
    /// </summary>
    private bool WritesOwnConsent(ElementNode? next, StoredResource? current)
    {
        var access = Access;
        if (access.Role is not (AccessRole.Practitioner or AccessRole.Pharmacist or AccessRole.ThirdParty)) return false;
        if (next is not null && ConsentRules.ProvisionsAbout(Shifo.Fhir.Serialization.FhirJsonWriter.ToUtf8(next), access.Organization, access.FhirUser).PermitNames)
            return true;
        return current?.Json is { } json && ConsentRules.ProvisionsAbout(json, access.Organization, access.FhirUser).DenyApplies;
    }

    /// <summary>Whether a new Encounter, EpisodeOfCare or CareTeam is one of the caller's own organization: that is how care begins.</summary>
    private bool StartsCare(ElementNode next)
    {
        var access = Access;
        if (access.Role is not (AccessRole.Practitioner or AccessRole.Pharmacist) || access.Organization is null) return false;
        string? Ref(ElementNode? node) => node?.Child("reference")?.Value;
        return next.TypeName switch
        {
            "Encounter" => Ref(next.Child("serviceProvider")) == access.Organization,
            "EpisodeOfCare" => Ref(next.Child("managingOrganization")) == access.Organization,
            "CareTeam" => Ref(next.Child("managingOrganization")) == access.Organization
                          || next.ChildrenNamed("participant").Any(p => Ref(p.Child("member")) == access.Organization),
            _ => false,
        };
    }

    /// <summary>A 403 for a refused access, reported to the audit trail first (reason only, no data).</summary>
    public FhirProblem Refuse(string interaction, AuditAction action, string? what, Verdict verdict)
    {
        RecordRefusal(interaction, action, what, verdict.Owners, verdict.Denied!);
        return FhirProblem.Of(ProblemKind.Forbidden, "forbidden", verdict.Denied!);
    }

    public FhirProblem Refuse(string interaction, AuditAction action, string? what, string reason, IReadOnlyCollection<string>? owners = null)
    {
        RecordRefusal(interaction, action, what, owners ?? [], reason);
        return FhirProblem.Of(ProblemKind.Forbidden, "forbidden", reason);
    }

    private void RecordRefusal(string interaction, AuditAction action, string? what, IReadOnlyCollection<string> owners, string reason)
    {
        var access = Access;
        var (label, operation) = Label(interaction, action);
        var query = Query();
        if (owners.Count == 0)
            audit.Record(access, new AuditRecord { Interaction = label, Action = action, What = what, Operation = operation, Query = query, Denied = reason });
        foreach (var patient in owners)
            audit.Record(access, new AuditRecord { Interaction = label, Action = action, What = what, Patient = patient, Operation = operation, Query = query, Denied = reason });
    }

    /// <summary>
    /// Reports resources left out of a search or history because they were refused: the client is not told, the
    /// audit trail is (once per patient and request, without what was left out).
    /// </summary>
    public void RecordLeftOut(string interaction, Verdict verdict)
    {
        if (verdict.IsAllowed) return;
        var fresh = verdict.Owners.Where(p => FirstTime(("left-out:" + interaction, null, p))).ToList();
        if (fresh.Count > 0 || verdict.Owners.Count == 0 && FirstTime(("left-out:" + interaction, null, "")))
            RecordRefusal(interaction, AuditAction.Read, null, fresh, verdict.Denied!);
    }

    /// <summary>Reports an allowed access to patient data: one record per patient, once per request.</summary>
    public void RecordAccess(string interaction, AuditAction action, string? what, Verdict verdict)
    {
        if (verdict.Owners.Count == 0) return;
        var access = Access;
        var (label, operation) = Label(interaction, action);
        var perResource = label is "read" or "vread";
        foreach (var patient in verdict.Owners)
        {
            if (!FirstTime((label, perResource ? what : null, patient))) continue;
            audit.Record(access, new AuditRecord
            {
                Interaction = label, Action = action, What = perResource ? what : null, Patient = patient,
                Operation = operation, Query = perResource ? null : Query(), Emergency = verdict.Emergency,
            });
        }
    }

    /// <summary>
    /// The AuditEvents of a write of patient data, one per patient, to be stored in the write's own transaction.
    /// None for AuditEvents themselves, and none while the audit trail is the temporary no-op.
    /// </summary>
    public IEnumerable<ElementNode> AuditEventsForWrite(string interaction, AuditAction action, string what, Verdict verdict)
    {
        if (what.StartsWith("AuditEvent/", StringComparison.Ordinal)) yield break;
        foreach (var patient in verdict.Owners)
            yield return audit.ForWrite(Access, new AuditRecord { Interaction = interaction, Action = action, What = what, Patient = patient, Emergency = verdict.Emergency });
    }

    /// <summary>Whether this is the first time the request records this (interaction, resource, patient).</summary>
    private bool FirstTime((string Interaction, string? What, string Patient) entry)
    {
        if (_firstRecorded is null)
        {
            _firstRecorded = entry;
            return true;
        }
        if (_firstRecorded.Value.Equals(entry)) return false;
        _recorded ??= [_firstRecorded.Value];
        return _recorded.Add(entry);
    }

    private (string Label, string? Operation) Label(string interaction, AuditAction action) =>
        http.HttpContext?.Items[OperationItem] is string operation && action != AuditAction.Create && action != AuditAction.Update && action != AuditAction.Delete
            ? ("operation", operation)
            : (interaction, null);

    private string? Query() => http.HttpContext?.Request.QueryString.Value is { Length: > 1 } q ? q[1..] : null;
}

/// <summary>The answer about one resource: allowed (maybe by broken glass) or refused, and whose data it is.</summary>
public readonly record struct Verdict(bool IsAllowed, bool Emergency, string? Denied, IReadOnlyCollection<string> Owners)
{
    public static Verdict Allowed(IReadOnlyCollection<string> owners, bool emergency = false) => new(true, emergency, null, owners);

    public static Verdict Refused(string reason, IReadOnlyCollection<string>? owners = null) => new(false, false, reason, owners ?? []);
}
