using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Shifo.ServerBench;

/// <summary>One resource of a generated copy, with the id it will be stored under.</summary>
public sealed record GeneratedResource(string Type, string Id, JsonObject Resource);

/// <summary>
/// Copies of the Synthea patients with fresh ids and identifiers: copy k of a bundle gets new ids (a hash of k, the bundle and
/// the fullUrl, so that the benchmark can regenerate any copy to pick query values without asking the store), its urn:uuid
/// references rewritten to them, identifier values suffixed with k, family names varied over 16 spellings and birth
/// dates moved by k mod 365 days. References to the shared organizations and practitioners are conditional
/// (Type?identifier=...) in Synthea and stay as they are.
/// </summary>
public static class SyntheaMultiplier
{
    /// <summary>Resources per copy of all patient bundles (3,125 with the shared test data).</summary>
    public static int PerCopy(IReadOnlyList<SourceBundle> patients) => patients.Sum(b => b.Entries.Count);

    private static readonly string[] FamilyEndings = ["", "ov", "ova", "ev", "eva", "in", "ina", "son", "sen", "i", "a", "e", "er", "el", "os", "ski"];

    /// <summary>The shared bundles (organizations, practitioners) as stored once: fresh ids, identifiers kept.</summary>
    public static IEnumerable<GeneratedResource> Shared(IEnumerable<SourceBundle> shared) =>
        shared.SelectMany(b => Copy(b, copy: -1));

    /// <summary>Copy <paramref name="copy"/> (0, 1, ...) of one patient bundle.</summary>
    public static IEnumerable<GeneratedResource> Copy(SourceBundle bundle, int copy)
    {
        var ids = bundle.Entries.ToDictionary(e => e.FullUrl, e => ((string)e.Resource["resourceType"]!, NewId(copy, bundle.Name, e.FullUrl)));
        foreach (var (fullUrl, source) in bundle.Entries)
        {
            var (type, id) = ids[fullUrl];
            var resource = source.DeepClone().AsObject();
            resource["id"] = id;
            Rewrite(resource, ids, copy);
            if (copy >= 0 && type == "Patient") VaryPatient(resource, copy);
            yield return new GeneratedResource(type, id, resource);
        }
    }

    /// <summary>A GUID-shaped id from (copy, bundle, fullUrl), the same every run; Synthea reuses some fullUrls across bundles.</summary>
    public static string NewId(int copy, string bundle, string fullUrl)
    {
        var hash = MD5.HashData(Encoding.UTF8.GetBytes(copy.ToString(CultureInfo.InvariantCulture) + "|" + bundle + "|" + fullUrl));
        return new Guid(hash).ToString();
    }

    public static string IdentifierValue(string value, int copy) => copy < 0 ? value : value + "-" + copy.ToString(CultureInfo.InvariantCulture);

    private static void Rewrite(JsonNode? node, Dictionary<string, (string Type, string Id)> ids, int copy)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (key == "reference" && value is JsonValue v && v.TryGetValue<string>(out var s) && ids.TryGetValue(s, out var target))
                        o[key] = $"{target.Type}/{target.Id}";
                    else if (key == "identifier" && copy >= 0)
                    {
                        foreach (var identifier in value is JsonArray a ? a.OfType<JsonObject>() : value is JsonObject single ? [single] : [])
                            if (identifier["value"] is JsonValue iv && iv.TryGetValue<string>(out var text))
                                identifier["value"] = IdentifierValue(text, copy);
                        Rewrite(value, ids, copy);
                    }
                    else Rewrite(value, ids, copy);
                }
                break;
            case JsonArray array:
                foreach (var item in array) Rewrite(item, ids, copy);
                break;
        }
    }

    private static void VaryPatient(JsonObject patient, int copy)
    {
        foreach (var name in patient["name"]?.AsArray().OfType<JsonObject>() ?? [])
            if (name["family"] is JsonValue f && f.TryGetValue<string>(out var family))
                name["family"] = family + FamilyEndings[copy % FamilyEndings.Length];
        if (patient["birthDate"] is JsonValue b && b.TryGetValue<string>(out var birth) &&
            DateOnly.TryParseExact(birth, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            patient["birthDate"] = date.AddDays(-(copy % 365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
