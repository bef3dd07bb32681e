namespace Shifo.Server.Security.Audit;

/// <summary>
/// Combines repeated allowed reads into one AuditEvent: the same caller (user, client, address), the same patient,
/// interaction and query within one flush of the writer become one event whose period spans them, listing each
/// resource read once and the number of accesses (entity.detail "accesses"). Opening a record reads dozens of
/// resources of one patient; one event per access would make the audit trail cost more than the reads themselves.
/// Refusals and emergency accesses are never combined: each is an event of its own.
/// </summary>
public static class AuditAggregation
{
    /// <summary>Most resources listed in one combined event; further accesses still count, in the detail.</summary>
    public const int MaxResourcesListed = 100;

    public static IReadOnlyList<PendingAudit> Combine(IReadOnlyList<PendingAudit> batch)
    {
        var combined = new List<PendingAudit>(batch.Count);
        var groups = new Dictionary<GroupKey, int>();
        var whats = new Dictionary<int, (List<string> List, HashSet<string> Seen)>();
        foreach (var pending in batch)
        {
            var record = pending.Record;
            if (record.Denied is not null || record.Emergency || record.Action is not (AuditAction.Read or AuditAction.Execute))
            {
                combined.Add(pending);
                continue;
            }
            var a = pending.Access;
            var key = new GroupKey(a.Subject, a.ClientId, a.Role, a.FhirUser, a.Organization, a.RemoteAddress, a.TokenId,
                record.Interaction, record.Action, record.Patient, record.Query, record.Operation);
            if (!groups.TryGetValue(key, out var at))
            {
                groups[key] = combined.Count;
                combined.Add(pending);
                continue;
            }
            var first = combined[at];
            if (!whats.TryGetValue(at, out var listed))
            {
                listed = ([], new HashSet<string>(StringComparer.Ordinal));
                if (first.Record.What is { } w) { listed.List.Add(w); listed.Seen.Add(w); }
                whats[at] = listed;
            }
            if (record.What is { } what && listed.List.Count < MaxResourcesListed + 1 && listed.Seen.Add(what)) listed.List.Add(what);
            var started = Earliest(first.Record.Started ?? first.Recorded, record.Started ?? pending.Recorded);
            combined[at] = first with
            {
                Recorded = pending.Recorded > first.Recorded ? pending.Recorded : first.Recorded,
                Record = first.Record with { Started = started, Accesses = first.Record.Accesses + record.Accesses },
            };
        }
        foreach (var (at, listed) in whats)
        {
            var entry = combined[at];
            combined[at] = entry with
            {
                Record = entry.Record with { What = listed.List.FirstOrDefault(), MoreWhat = listed.List.Skip(1).Take(MaxResourcesListed - 1).ToList() },
            };
        }
        return combined;
    }

    private static DateTimeOffset Earliest(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private readonly record struct GroupKey(string Subject, string ClientId, Access.AccessRole Role, string? FhirUser, string? Organization,
        string? RemoteAddress, string? TokenId, string Interaction, AuditAction Action, string? Patient, string? Query, string? Operation);
}
