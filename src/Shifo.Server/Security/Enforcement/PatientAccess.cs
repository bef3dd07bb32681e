using System.Collections.Concurrent;
using Shifo.Server.Security.Access;
using Shifo.Storage.Search;

namespace Shifo.Server.Security.Enforcement;

/// <summary>
/// Decides whether a caller may reach one patient's data (scopes are checked elsewhere, before this):
/// <list type="bullet">
/// <item>Citizen: only their own record (the token's patient); consent does not apply to one's own data.</item>
/// <item>Practitioner, Pharmacist: when their organization or they themselves have a care relationship with the
/// patient (<see cref="CareRelationships"/>), or when starting one (creating an Encounter, EpisodeOfCare or CareTeam
/// of their own organization), or when a Consent permit names them; otherwise only by breaking the glass.</item>
/// <item>ThirdParty: only where a Consent permit names its organization (or it).</item>
/// <item>System: its scopes decide; consent denies still apply.</item>
/// <item>Admin: no patient data.</item>
/// </list>
/// On top, for every role but the citizen on their own data, the patient's active Consents (<see cref="ConsentRules"/>):
/// an applicable deny refuses, unless a practitioner or pharmacist breaks the glass. Breaking the glass turns a
/// refusal into an allowed access marked Emergency; it never widens the token's scopes.
/// Answers are remembered for 30 s: care per (organization, user, patient), consent provisions per patient, across
/// versions of the resources read. A write of a Consent, Encounter, EpisodeOfCare, CareTeam or Patient on this node
/// forgets the answers about the patients it names, old content and new (<see cref="PatientChangeLog"/>); other nodes
/// see the change within the 30 s.
/// </summary>
public sealed class PatientAccess(TrustedStore trusted, CareRelationships care, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private const int CacheLimit = 100_000;

    private readonly ConcurrentDictionary<string, Cached<ConsentRules>> _consents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Org, string User, string Patient), Cached<bool>> _care = new();
    private readonly PatientChangeLog _changes = new();
    private Cached<bool>? _anyConsent;
    // counts Consent writes: whether any active Consent exists is asked again after each
    private long _consentWrites;

    /// <param name="Stamp">The clock before the look-up (<see cref="PatientChangeLog"/>'s, or the count of Consent writes).</param>
    private sealed record Cached<T>(T Value, DateTimeOffset Expires, long Stamp);

    /// <summary>Types whose writes may change a decision.</summary>
    public static bool AffectsDecisions(string resourceType) =>
        resourceType is "Consent" or "Encounter" or "EpisodeOfCare" or "CareTeam" or "Patient";

    /// <summary>
    /// Called for a write of one of <see cref="AffectsDecisions"/>' types, with the patients its old and new content
    /// name (after the commit, and optionally before it too): their remembered answers are dropped.
    /// </summary>
    public void Invalidate(string resourceType, IEnumerable<string> patients)
    {
        if (!AffectsDecisions(resourceType)) return;
        foreach (var patient in patients) _changes.Changed(patient);
        if (resourceType == "Consent") Interlocked.Increment(ref _consentWrites);
    }

    /// <summary>Every remembered answer is dropped (a write whose patients are not known).</summary>
    public void InvalidateAll()
    {
        _changes.ChangedAll();
        Interlocked.Increment(ref _consentWrites);
    }

    public async ValueTask<AccessDecision> DecideAsync(AccessContext access, string patientId, string resourceType, bool startsCare, CancellationToken ct)
    {
        switch (access.Role)
        {
            case AccessRole.Admin:
                return AccessDecision.Deny("The admin role reaches no patient data.");
            case AccessRole.Citizen:
                return access.Patient is not null && access.Patient == patientId
                    ? AccessDecision.Allow
                    : AccessDecision.Deny("A citizen reaches only their own record.");
        }

        var verdict = (await ConsentsAsync(patientId, ct)).Evaluate(access.Organization, access.FhirUser, resourceType, time.GetUtcNow());
        var canBreakGlass = access.BreakGlassReason is not null && access.Role is AccessRole.Practitioner or AccessRole.Pharmacist;
        if (verdict == ConsentVerdict.Deny)
            return canBreakGlass ? AccessDecision.BrokenGlass : AccessDecision.Deny("The patient's consent refuses this access.");

        switch (access.Role)
        {
            case AccessRole.System:
                return AccessDecision.Allow;
            case AccessRole.ThirdParty:
                return verdict == ConsentVerdict.PermitNamed
                    ? AccessDecision.Allow
                    : AccessDecision.Deny("No consent of the patient permits this service.");
            default:
                if (verdict == ConsentVerdict.PermitNamed || startsCare || await HasCareAsync(access, patientId, ct)) return AccessDecision.Allow;
                return canBreakGlass
                    ? AccessDecision.BrokenGlass
                    : AccessDecision.Deny("No care relationship with the patient, and no consent naming the caller; break the glass with a reason in an emergency.");
        }
    }

    private async ValueTask<bool> HasCareAsync(AccessContext access, string patientId, CancellationToken ct)
    {
        var key = (access.Organization ?? "", access.FhirUser ?? "", patientId);
        var now = time.GetUtcNow();
        if (_care.TryGetValue(key, out var hit) && hit.Expires > now && _changes.IsFresh(patientId, hit.Stamp)) return hit.Value;
        var stamp = _changes.Now;
        var exists = await care.ExistsAsync(patientId, access.Organization, access.FhirUser, ct);
        if (_care.Count >= CacheLimit) _care.Clear();
        _care[key] = new Cached<bool>(exists, now + Lifetime, stamp);
        return exists;
    }

    /// <summary>Whether any active Consent exists on this node (remembered like the rest): when none does, consent costs nothing.</summary>
    public async ValueTask<bool> AnyActiveConsentAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_anyConsent is { } any && any.Expires > now && Interlocked.Read(ref _consentWrites) == any.Stamp) return any.Value;
        var stamp = Interlocked.Read(ref _consentWrites);
        var page = await trusted.Store.SearchAsync(new SearchQuery
        {
            ResourceType = "Consent", Parameters = [new SearchParameter("status", null, "active")], Count = 1, Total = TotalMode.None,
        }, ct);
        _anyConsent = new Cached<bool>(page.Matches.Count > 0, now + Lifetime, stamp);
        return page.Matches.Count > 0;
    }

    /// <summary>The provisions of the patient's active Consents; none at all without a query when no active Consent exists anywhere.</summary>
    private async ValueTask<ConsentRules> ConsentsAsync(string patientId, CancellationToken ct)
    {
        if (!await AnyActiveConsentAsync(ct)) return ConsentRules.None;
        var now = time.GetUtcNow();
        if (_consents.TryGetValue(patientId, out var hit) && hit.Expires > now && _changes.IsFresh(patientId, hit.Stamp)) return hit.Value;
        var stamp = _changes.Now;
        var documents = new List<byte[]>();
        string? cursor = null;
        do
        {
            var page = await trusted.Store.SearchAsync(new SearchQuery
            {
                ResourceType = "Consent",
                Parameters = [new SearchParameter("patient", null, "Patient/" + patientId), new SearchParameter("status", null, "active")],
                Count = 100,
                Cursor = cursor,
                Total = TotalMode.None,
            }, ct);
            documents.AddRange(page.Matches.Where(m => m.Json is not null).Select(m => m.Json!));
            cursor = page.NextCursor;
        } while (cursor is not null);
        var rules = documents.Count == 0 ? ConsentRules.None : ConsentRules.From(documents, now);
        if (_consents.Count >= CacheLimit) _consents.Clear();
        _consents[patientId] = new Cached<ConsentRules>(rules, now + Lifetime, stamp);
        return rules;
    }
}
