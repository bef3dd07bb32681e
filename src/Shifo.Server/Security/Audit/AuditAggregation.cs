namespace Shifo.Server.Security.Audit;

/// <summary>
/// Combines repeated allowed reads into one AuditEvent: the same caller (user, client, address), the same patient,
/// interaction and query within one flush of the writer become one event whose period spans them, listing each
/// resource read once and the number of accesses (entity.detail "accesses"). Opening a record reads dozens of
/// resources of one patient; one event per access would make the audit trail cost more than the reads themselves.
/// Refusals and emergency accesses are never combined: each is an event of its own. <see cref="AuditQueue"/>
/// combines as records arrive; the writer combines its batch once more (entries queued at the same moment).
/// </summary>
public static class AuditAggregation
{
    /// <summary>Most resources listed in one combined event; further accesses still count, in the detail.</summary>
    public const int MaxResourcesListed = 100;

    public static IReadOnlyList<PendingAudit> Combine(IReadOnlyList<PendingAudit> batch)
    {
        // in the order first seen: a record that stays alone, or the group a combined event is made of
        var order = new List<(PendingAudit? Alone, Group? Group)>(batch.Count);
        var groups = new Dictionary<GroupKey, Group>();
        foreach (var pending in batch)
        {
            if (KeyOf(pending) is not { } key)
            {
                order.Add((pending, null));
                continue;
            }
            if (groups.TryGetValue(key, out var group)) group.Add(pending);
            else order.Add((null, groups[key] = new Group(pending)));
        }
        var combined = new List<PendingAudit>(order.Count);
        foreach (var (alone, group) in order) combined.Add(alone ?? group!.Result());
        return combined;
    }

    /// <summary>What records must share to be combined; null for one that stays an event of its own.</summary>
    internal static GroupKey? KeyOf(PendingAudit pending)
    {
        var record = pending.Record;
        if (record.Denied is not null || record.Emergency || record.Action is not (AuditAction.Read or AuditAction.Execute)) return null;
        var a = pending.Access;
        return new GroupKey(a.Subject, a.ClientId, a.Role, a.FhirUser, a.Organization, a.RemoteAddress, a.TokenId,
            record.Interaction, record.Action, record.Patient, record.Query, record.Operation);
    }

    /// <summary>The records combined into one event, accumulated in place: one look-up per record, no copies.</summary>
    internal sealed class Group(PendingAudit first)
    {
        private DateTimeOffset _started = first.Record.Started ?? first.Recorded;
        private DateTimeOffset _recorded = first.Recorded;
        private int _accesses = first.Record.Accesses;
        private List<string>? _whats;
        private HashSet<string>? _seen;

        public void Add(PendingAudit pending)
        {
            if (_whats is null)
            {
                _whats = [];
                _seen = new HashSet<string>(StringComparer.Ordinal);
                if (first.Record.What is { } w) { _whats.Add(w); _seen.Add(w); }
                foreach (var more in first.Record.MoreWhat) List(more);
            }
            var record = pending.Record;
            if (record.What is { } what) List(what);
            // a record combined already (in the queue) brings the resources it lists
            foreach (var more in record.MoreWhat) List(more);
            var started = record.Started ?? pending.Recorded;
            if (started < _started) _started = started;
            if (pending.Recorded > _recorded) _recorded = pending.Recorded;
            _accesses += record.Accesses;
        }

        private void List(string what)
        {
            if (_whats!.Count < MaxResourcesListed + 1 && _seen!.Add(what)) _whats.Add(what);
        }

        public PendingAudit Result() => _whats is null
            ? first
            : first with
            {
                Recorded = _recorded,
                Record = first.Record with
                {
                    Started = _started, Accesses = _accesses,
                    What = _whats.FirstOrDefault(), MoreWhat = _whats.Skip(1).Take(MaxResourcesListed - 1).ToList(),
                },
            };
    }

    internal readonly record struct GroupKey(string Subject, string ClientId, Access.AccessRole Role, string? FhirUser, string? Organization,
        string? RemoteAddress, string? TokenId, string Interaction, AuditAction Action, string? Patient, string? Query, string? Operation);
}
