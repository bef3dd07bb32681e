using System.Text.Json;

namespace Shifo.Server.Security.Enforcement;

/// <summary>What a patient's active Consents say about one caller and one resource type.</summary>
public enum ConsentVerdict
{
    /// <summary>No provision that applies says anything that changes the decision.</summary>
    None,
    /// <summary>A permit naming the caller (its organization or its user) as actor applies.</summary>
    PermitNamed,
    /// <summary>A deny applies.</summary>
    Deny,
}

/// <summary>
/// The provisions of one patient's active Consents (read once, evaluated per caller and type). The policy:
/// every provision of the tree (the base one and nested provision.provision) is looked at on its own; it applies to a
/// caller when its actor list is empty or names the caller's Organization or fhirUser, its class list is empty or
/// holds the resource type (system http://hl7.org/fhir/resource-types), and its period, if any, contains now. Any
/// applicable deny wins; an applicable permit that names the caller as actor allows without a care relationship;
/// a permit without actor changes nothing. A Consent whose base provision's period has ended or not begun is inert.
/// </summary>
public sealed class ConsentRules
{
    private const string ResourceTypesSystem = "http://hl7.org/fhir/resource-types";

    private sealed record Provision(bool Deny, string[] Actors, string[] Classes, DateTimeOffset? Start, DateTimeOffset? End);

    private readonly List<Provision> _provisions = [];

    public static ConsentRules None { get; } = new();

    public bool IsEmpty => _provisions.Count == 0;

    /// <summary>Reads the provisions of the given Consent JSON documents (already filtered to status=active by the search).</summary>
    public static ConsentRules From(IEnumerable<byte[]> consents, DateTimeOffset now)
    {
        var rules = new ConsentRules();
        foreach (var json in consents)
        {
            using var doc = JsonDocument.Parse(json);
            if (!doc.RootElement.TryGetProperty("provision", out var provision) || provision.ValueKind != JsonValueKind.Object) continue;
            var (start, end) = Period(provision);
            if (!Contains(start, end, now)) continue;
            rules.Collect(provision);
        }
        return rules;
    }

    /// <summary>
    /// Whether one Consent (JSON) holds a deny that applies to the caller (no actor, or naming its organization or
    /// user) and whether it holds a permit naming the caller; periods are ignored (a deny that has ended may begin
    /// again by an edit). Used to keep callers from writing the Consents that judge them.
    /// </summary>
    public static (bool DenyApplies, bool PermitNames) ProvisionsAbout(byte[] consent, string? organization, string? fhirUser)
    {
        var rules = new ConsentRules();
        using (var doc = JsonDocument.Parse(consent))
            if (doc.RootElement.TryGetProperty("provision", out var provision) && provision.ValueKind == JsonValueKind.Object) rules.Collect(provision);
        bool Names(Provision p) => p.Actors.Any(a => a == organization || a == fhirUser);
        return (rules._provisions.Any(p => p.Deny && (p.Actors.Length == 0 || Names(p))), rules._provisions.Any(p => !p.Deny && Names(p)));
    }

    public ConsentVerdict Evaluate(string? organization, string? fhirUser, string resourceType, DateTimeOffset now)
    {
        var verdict = ConsentVerdict.None;
        foreach (var p in _provisions)
        {
            if (!Contains(p.Start, p.End, now)) continue;
            var named = p.Actors.Length > 0 && p.Actors.Any(a => a == organization || a == fhirUser);
            if (p.Actors.Length > 0 && !named) continue;
            if (p.Classes.Length > 0 && !p.Classes.Contains(resourceType)) continue;
            if (p.Deny) return ConsentVerdict.Deny;
            if (named) verdict = ConsentVerdict.PermitNamed;
        }
        return verdict;
    }

    private void Collect(JsonElement provision)
    {
        var type = provision.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type is "deny" or "permit")
        {
            var (start, end) = Period(provision);
            _provisions.Add(new Provision(type == "deny", Actors(provision), Classes(provision), start, end));
        }
        if (provision.TryGetProperty("provision", out var nested) && nested.ValueKind == JsonValueKind.Array)
            foreach (var child in nested.EnumerateArray())
                if (child.ValueKind == JsonValueKind.Object) Collect(child);
    }

    private static string[] Actors(JsonElement provision)
    {
        if (!provision.TryGetProperty("actor", out var actors) || actors.ValueKind != JsonValueKind.Array) return [];
        var result = new List<string>();
        foreach (var actor in actors.EnumerateArray())
            if (actor.TryGetProperty("reference", out var r) && r.TryGetProperty("reference", out var text) && text.ValueKind == JsonValueKind.String)
                result.Add(Relative(text.GetString()!));
        // an actor we cannot read still narrows the provision: it then names nobody we know
        return result.Count == 0 && actors.GetArrayLength() > 0 ? ["(unreadable)"] : result.ToArray();
    }

    private static string[] Classes(JsonElement provision)
    {
        if (!provision.TryGetProperty("class", out var classes) || classes.ValueKind != JsonValueKind.Array) return [];
        var result = new List<string>();
        foreach (var c in classes.EnumerateArray())
        {
            var system = c.TryGetProperty("system", out var s) ? s.GetString() : null;
            if (system == ResourceTypesSystem && c.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String) result.Add(code.GetString()!);
            else result.Add("(other class)");
        }
        return result.ToArray();
    }

    /// <summary>"https://node/fhir/Organization/2" and "Organization/2" name the same actor.</summary>
    private static string Relative(string reference)
    {
        var parts = reference.Split('/');
        return parts.Length >= 2 ? parts[^2] + "/" + parts[^1] : reference;
    }

    private static (DateTimeOffset?, DateTimeOffset?) Period(JsonElement provision)
    {
        if (!provision.TryGetProperty("period", out var period) || period.ValueKind != JsonValueKind.Object) return (null, null);
        return (Instant(period, "start"), Instant(period, "end"));
    }

    private static DateTimeOffset? Instant(JsonElement period, string name) =>
        period.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
        && Storage.Indexing.FhirDateRange.TryParse(v.GetString()!, out var range)
            ? DateTimeOffset.FromUnixTimeMilliseconds(name == "start" ? range.Low : range.High)
            : null;

    private static bool Contains(DateTimeOffset? start, DateTimeOffset? end, DateTimeOffset now) =>
        (start is null || start <= now) && (end is null || now <= end);
}
