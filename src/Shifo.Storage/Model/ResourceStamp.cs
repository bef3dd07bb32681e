using System.Globalization;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;

namespace Shifo.Storage.Model;

/// <summary>Sets what the server owns in a resource before it is stored: id, meta.versionId and meta.lastUpdated.</summary>
public static class ResourceStamp
{
    public static void Apply(ElementNode resource, string id, long versionId, DateTimeOffset lastUpdated)
    {
        var defs = FhirDefinitions.R4;
        var slots = defs.ChildrenOf(resource.Definition ?? defs.GetType(resource.TypeName)!.Root, resource.TypeName);

        var idNode = resource.Child("id");
        if (idNode is null)
        {
            idNode = new ElementNode("id", "id", slots["id"].Element);
            resource.Insert(0, idNode);
        }
        idNode.Value = id;
        idNode.ValueKind = PrimitiveKind.String;

        var meta = resource.Child("meta");
        if (meta is null)
        {
            meta = new ElementNode("meta", "Meta", slots["meta"].Element);
            resource.Insert(resource.Children.ToList().IndexOf(idNode) + 1, meta);
        }
        var metaSlots = defs.ChildrenOf(meta.Definition!, "Meta");
        SetPrimitive(meta, metaSlots, "versionId", "id", versionId.ToString(CultureInfo.InvariantCulture), 0);
        SetPrimitive(meta, metaSlots, "lastUpdated", "instant", FormatInstant(lastUpdated), 1);
    }

    /// <summary>The instant as FHIR writes it, in UTC with milliseconds: 2024-05-01T10:00:00.123Z.</summary>
    public static string FormatInstant(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void SetPrimitive(ElementNode parent, IReadOnlyDictionary<string, ChildSlot> slots, string name, string type, string value, int position)
    {
        var node = parent.Child(name);
        if (node is null)
        {
            node = new ElementNode(name, type, slots[name].Element);
            // versionId and lastUpdated come first in Meta (after id and extension)
            var at = parent.Children.TakeWhile(c => c.Name is "id" or "extension" || (position == 1 && c.Name == "versionId")).Count();
            parent.Insert(at, node);
        }
        // the server's values replace the client's, and drop any extension on them
        foreach (var child in node.Children.ToList()) node.Remove(child);
        node.Value = value;
        node.ValueKind = PrimitiveKind.String;
    }
}
