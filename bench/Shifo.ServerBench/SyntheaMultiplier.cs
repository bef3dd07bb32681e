using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Shifo.ServerBench;

/// <summary>One resource of a generated copy, with the id it will be stored under.</summary>
public sealed record GeneratedResource(string Type, string Id, JsonObject Resource);

/// <summary>
/// Copies of the Synthea patients with fresh ids and identifiers: copy k of a bundle gets new ids (made from k, the bundle
/// and the fullUrl, laid out like version-7 UUIDs, see <see cref="NewId"/>; so the benchmark can regenerate any copy to
/// pick query values without asking the store), its urn:uuid references rewritten to them, identifier values suffixed
/// with k, family names varied over 16 spellings, and every full date of the copy (birth date and clinical dates
/// alike, so ages at each event stay true) moved back by k mod 365 days: without it each copy repeats Synthea's dates
/// and a date search at n copies matches n times the rows of one day. References to the shared organizations and
/// practitioners are conditional (Type?identifier=...) in Synthea and stay as they are.
/// </summary>
public static partial class SyntheaMultiplier
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
            if (copy >= 0) ShiftDates(resource, DayShift(copy));
            yield return new GeneratedResource(type, id, resource);
        }
    }

    /// <summary>
    /// A GUID-shaped id from (copy, bundle, fullUrl), the same every run (Synthea reuses some fullUrls across bundles),
    /// laid out like the version-7 UUIDs Shifo gives POSTed resources: the leading 48 bits stand for the time of
    /// creation, here the copy and then the bundle, so one patient bundle's resources share a prefix and sit together
    /// in every index keyed by id, as a transaction's resources do in a real store. Ids hashed whole (until
    /// 2026-12-02) spread each patient over the whole of every index, which Shifo's own ids never do.
    /// </summary>
    public static string NewId(int copy, string bundle, string fullUrl)
    {
        var id = MD5.HashData(Encoding.UTF8.GetBytes(copy.ToString(CultureInfo.InvariantCulture) + "|" + bundle + "|" + fullUrl));
        var group = MD5.HashData(Encoding.UTF8.GetBytes(bundle));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(id, (ushort)(copy + 1)); // the shared bundles (copy -1) first
        group.AsSpan(0, 4).CopyTo(id.AsSpan(2));
        id[6] = (byte)(0x70 | (id[6] & 0x0f)); // version 7
        id[8] = (byte)(0x80 | (id[8] & 0x3f)); // RFC 4122 variant
        var hex = Convert.ToHexStringLower(id);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
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
    }

    /// <summary>Days copy k's dates move back (0 for copy 0, which keeps Synthea's dates).</summary>
    public static int DayShift(int copy) => copy % 365;

    /// <summary>A FHIR date, dateTime or instant with at least a full day (partial dates such as "2015-03" stay).</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$")]
    private static partial Regex FullDate();

    private static void ShiftDates(JsonNode? node, int days)
    {
        if (days == 0) return;
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                    if (value is JsonValue v && v.TryGetValue<string>(out var s) && Shifted(s, days) is { } moved) o[key] = moved;
                    else ShiftDates(value, days);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    if (array[i] is JsonValue v && v.TryGetValue<string>(out var s) && Shifted(s, days) is { } moved) array[i] = moved;
                    else ShiftDates(array[i], days);
                break;
        }
    }

    private static string? Shifted(string value, int days) =>
        FullDate().IsMatch(value) && DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.AddDays(-days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + value[10..]
            : null;
}
