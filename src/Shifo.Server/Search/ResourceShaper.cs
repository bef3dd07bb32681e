using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shifo.Fhir.Definitions;
using Shifo.Server.Pipeline;

namespace Shifo.Server.Search;

/// <summary>_summary (true, text, data, false; count is handled by the search itself).</summary>
public enum SummaryMode { False, True, Text, Data, Count }

/// <summary>
/// Cuts a resource down for _summary and _elements: true keeps the top-level elements the definitions mark isSummary,
/// text keeps text and the mandatory elements, data drops text, _elements keeps the listed elements. id, meta and
/// resourceType always stay; a cut resource is tagged SUBSETTED, as the spec asks.
/// </summary>
public sealed class ResourceShaper(SummaryMode summary, IReadOnlySet<string>? elements)
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public bool IsIdentity => summary == SummaryMode.False && elements is null;

    public static ResourceShaper Parse(string? summaryText, string? elementsText)
    {
        var summary = summaryText switch
        {
            null or "false" => SummaryMode.False,
            "true" => SummaryMode.True,
            "text" => SummaryMode.Text,
            "data" => SummaryMode.Data,
            "count" => SummaryMode.Count,
            _ => throw FhirProblem.Of(ProblemKind.Invalid, "value", "_summary takes true, text, data, count or false."),
        };
        var elements = elementsText is null ? null
            : elementsText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return new ResourceShaper(summary, elements);
    }

    public SummaryMode Summary => summary;

    public byte[] Apply(byte[] json)
    {
        if (IsIdentity) return json;
        var node = JsonNode.Parse(json)!.AsObject();
        var type = (string?)node["resourceType"];
        var structure = type is null ? null : FhirDefinitions.R4.GetType(type);
        if (structure is null) return json;
        var slots = FhirDefinitions.R4.ChildrenOf(structure.Root, type!);
        var removed = false;
        foreach (var name in node.Select(p => p.Key).ToList())
        {
            if (name is "resourceType" or "id" or "meta") continue;
            var element = name.TrimStart('_');
            var slot = slots.TryGetValue(element, out var s) ? s : (ChildSlot?)null;
            if (Keep(element, slot)) continue;
            node.Remove(name);
            removed = true;
        }
        if (removed) Tag(node);
        return JsonSerializer.SerializeToUtf8Bytes(node, Relaxed);
    }

    private bool Keep(string name, ChildSlot? slot)
    {
        if (elements is not null)
            return elements.Contains(name) || (slot is { } e && elements.Contains(e.Element.Name));
        return summary switch
        {
            SummaryMode.True => slot is { } s && s.Element.IsSummary,
            SummaryMode.Text => name == "text" || (slot is { } m && m.Element.Min > 0),
            SummaryMode.Data => name != "text",
            _ => true,
        };
    }

    private static void Tag(JsonObject resource)
    {
        if (resource["meta"] is not JsonObject meta)
        {
            meta = new JsonObject();
            resource["meta"] = meta;
        }
        if (meta["tag"] is not JsonArray tags)
        {
            tags = new JsonArray();
            meta["tag"] = tags;
        }
        tags.Add(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", ["code"] = "SUBSETTED", ["display"] = "Resource encoded in summary mode" });
    }
}
