using Shifo.Server.Security.Audit;
using Shifo.Server.Security.Scopes;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Server.Security.Enforcement;

/// <summary>
/// A search and a history under enforcement, for the guarded store and the guarded write scope alike: the query is
/// checked (and pinned) by <see cref="SearchRules"/>, a named patient is decided before anything runs, then every
/// match and every _include/_revinclude is decided like a read and dropped silently when refused. When anything was
/// dropped the total goes too, so that counts reveal nothing.
/// </summary>
public sealed class GuardedSearch(RequestGuard guard, SearchRules rules)
{
    public async Task<SearchPage> SearchAsync(SearchQuery query, Func<SearchQuery, Task<SearchPage>> run, CancellationToken ct)
    {
        if (guard.Unrestricted) return await run(query);
        var access = guard.Access;
        var interaction = query.ResourceType is null ? "search-system" : "search-type";
        var (plan, refusal) = rules.Prepare(access, query);
        if (plan is null) throw guard.Refuse(interaction, AuditAction.Read, query.ResourceType, refusal!);

        if (plan.NamedPatient is { } named)
        {
            var decision = await guard.PatientAccess.DecideAsync(access, named, query.ResourceType!, startsCare: false, ct);
            if (!decision.Allowed) throw guard.Refuse(interaction, AuditAction.Read, query.ResourceType, decision.Denied!, [named]);
        }

        var page = await run(plan.Query);
        if (page.Issues.Any(i => i.IsError)) return page;
        var dropped = false;
        var matches = new List<StoredResource>(page.Matches.Count);
        foreach (var match in page.Matches)
        {
            var verdict = plan.RegistrationLookup
                ? await guard.DecideRegistrationMatchAsync(match, ct)
                : await guard.DecideStoredAsync(match, ScopeActions.Search, ct);
            if (verdict.IsAllowed)
            {
                matches.Add(match);
                guard.RecordAccess(interaction, AuditAction.Read, null, verdict);
            }
            else
            {
                dropped = true;
                guard.RecordLeftOut(interaction, verdict);
            }
        }
        var included = new List<StoredResource>(page.Included.Count);
        foreach (var include in page.Included)
        {
            var verdict = await guard.DecideStoredAsync(include, ScopeActions.Read, ct);
            if (verdict.IsAllowed)
            {
                included.Add(include);
                guard.RecordAccess(interaction, AuditAction.Read, null, verdict);
            }
            else
            {
                dropped = true;
                guard.RecordLeftOut(interaction, verdict);
            }
        }
        if (await TotalMayRevealAsync(access, ct))
        {
            // the total may count only what this caller sees, and must not show whether anything was left out: a
            // withheld total after a refusal next to a total of 0 without one told that a refused patient matched.
            // So: the number kept, when this page is the whole result; no total otherwise (matches beyond this page,
            // or all of them for _summary=count, were never decided)
            var whole = query.Cursor is null && page.NextCursor is null && query.Count > 0;
            return page with { Matches = matches, Included = included, Total = page.Total is not null && whole ? matches.Count : null };
        }
        if (dropped) return page with { Matches = matches, Included = included, Total = null };
        return page;
    }

    /// <summary>Citizens' searches are pinned to what they may all see; a system's is filtered only by consent denies.</summary>
    private async ValueTask<bool> TotalMayRevealAsync(Access.AccessContext access, CancellationToken ct) => access.Role switch
    {
        Access.AccessRole.Citizen => false,
        Access.AccessRole.System => await guard.PatientAccess.AnyActiveConsentAsync(ct),
        _ => true,
    };

    /// <summary>History: of one resource (decided on its current content first, then each version), of a type or the system (each version).</summary>
    public async Task<HistoryPage> HistoryAsync(HistoryQuery query, Func<HistoryQuery, Task<HistoryPage>> run,
        Func<string, string, Task<StoredResource?>> current, CancellationToken ct)
    {
        if (guard.Unrestricted) return await run(query);
        var access = guard.Access;
        var interaction = query.Id is not null ? "history-instance" : query.ResourceType is not null ? "history-type" : "history-system";
        var actions = query.Id is not null ? ScopeActions.Read : ScopeActions.Search;
        if (query.ResourceType is { } type)
        {
            if (!ScopeRules.Allows(access, type, actions, null) && !ScopeRules.MayAllowForLaunchPatient(access, type, actions))
                throw guard.Refuse(interaction, AuditAction.Read, type, ScopeRules.Needs(access, type, actions));
            // filtering a type's history after paging would still tell, through next links, that other patients'
            // versions exist: the type-level history of patient data is for systems only
            if (query.Id is null && access.Role != Access.AccessRole.System && guard.IsPatientData(type))
                throw guard.Refuse(interaction, AuditAction.Read, type,
                    $"The history of all {type} resources is for systems only; read one resource's history, or search the patient's compartment with _lastUpdated.");
            if (query.Id is { } id && await current(type, id) is { Json: not null } now)
            {
                var verdict = await guard.DecideStoredAsync(now, actions, ct);
                if (!verdict.IsAllowed) throw guard.Refuse(interaction, AuditAction.Read, $"{type}/{id}", verdict);
            }
        }
        else if (access.Role != Access.AccessRole.System)
        {
            throw guard.Refuse(interaction, AuditAction.Read, null, "The history of the whole system is for systems only.");
        }

        var page = await run(query);
        var kept = new List<StoredResource>(page.Entries.Count);
        foreach (var entry in page.Entries)
        {
            // a deletion has no content to decide on: outside its own resource's history only systems see it
            if (entry.Json is null && query.Id is null && access.Role != Access.AccessRole.System) continue;
            var verdict = await guard.DecideStoredAsync(entry, actions, ct);
            if (!verdict.IsAllowed)
            {
                guard.RecordLeftOut(interaction, verdict);
                continue;
            }
            kept.Add(entry);
            guard.RecordAccess(interaction, AuditAction.Read, null, verdict);
        }
        // -1: the total is withheld; the endpoint writes no total then. The store counts every version of the type
        // (all patients'), so whoever may be refused one gets the number kept, and only when this page is all of it
        if (access.Role == Access.AccessRole.System && !await guard.PatientAccess.AnyActiveConsentAsync(ct))
            return kept.Count == page.Entries.Count ? page : page with { Entries = kept, Total = -1 };
        var whole = query.Before is null && page.NextCursor is null && query.Count > 0;
        return page with { Entries = kept, Total = whole ? kept.Count : -1 };
    }
}
