using System.Text.Json.Nodes;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.FhirPath;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;
using Shifo.Server.Pipeline;

namespace Shifo.Server.Patch;

/// <summary>
/// FHIRPath Patch (a Parameters resource of "operation"s: add, insert, delete, replace, move). Paths are evaluated
/// with the FHIRPath engine on the parsed resource; the change itself is made on the JSON at the element's location,
/// so that everything not touched keeps its exact form.
/// </summary>
public sealed class FhirPathPatch : IResourcePatch
{
    private sealed record Op(string Type, string Path, string? Name, (string Suffix, JsonNode? Json)? Value, int? Index, int? Source, int? Destination);

    private readonly IReadOnlyList<Op> _ops;

    private FhirPathPatch(IReadOnlyList<Op> ops) => _ops = ops;

    /// <summary>Reads the Parameters; a patch that is not well formed (unknown type, missing part, bad path) is a 400-kind problem.</summary>
    public static FhirPathPatch Parse(JsonObject parameters)
    {
        if ((string?)parameters["resourceType"] != "Parameters") throw JsonPatch.Bad("A FHIRPath Patch is a Parameters resource.");
        var ops = new List<Op>();
        foreach (var p in parameters["parameter"] as JsonArray ?? [])
        {
            if ((string?)p?["name"] != "operation") throw JsonPatch.Bad("A FHIRPath Patch has only parameters named 'operation'.");
            var parts = (p["part"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            string? Str(string name) => parts.FirstOrDefault(x => (string?)x["name"] == name) is { } part
                ? part.FirstOrDefault(kv => kv.Key.StartsWith("value", StringComparison.Ordinal)).Value?.ToString() : null;
            int? Int(string name) => Str(name) is { } s ? int.TryParse(s, out var i) && i >= 0 ? i : throw JsonPatch.Bad($"'{name}' must be a non-negative integer.") : null;
            var type = Str("type") ?? throw JsonPatch.Bad("A FHIRPath Patch operation needs a 'type'.");
            var path = Str("path") ?? throw JsonPatch.Bad("A FHIRPath Patch operation needs a 'path'.");
            (string, JsonNode?)? value = null;
            if (parts.FirstOrDefault(x => (string?)x["name"] == "value") is { } valuePart)
            {
                var v = valuePart.FirstOrDefault(kv => kv.Key.StartsWith("value", StringComparison.Ordinal) && kv.Key.Length > 5);
                if (v.Key is null) throw JsonPatch.Bad("Only value[x] values are supported in FHIRPath Patch.");
                value = (v.Key[5..], v.Value?.DeepClone());
            }
            var op = new Op(type, path, Str("name"), value, Int("index"), Int("source"), Int("destination"));
            var missing = type switch
            {
                "add" => op.Name is null ? "name" : op.Value is null ? "value" : null,
                "insert" => op.Index is null ? "index" : op.Value is null ? "value" : null,
                "replace" => op.Value is null ? "value" : null,
                "move" => op.Source is null ? "source" : op.Destination is null ? "destination" : null,
                "delete" => null,
                _ => throw JsonPatch.Bad($"'{ResourceIdentity.Truncate(type)}' is not a FHIRPath Patch operation type."),
            };
            if (missing is not null) throw JsonPatch.Bad($"The '{type}' operation needs '{missing}'.");
            try { FhirPathCompiler.GetOrCompile(path); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { throw JsonPatch.Bad($"'{ResourceIdentity.Truncate(path)}' is not a FHIRPath expression: {ex.Message}"); }
            ops.Add(op);
        }
        if (ops.Count == 0) throw JsonPatch.Bad("The FHIRPath Patch has no operations.");
        return new FhirPathPatch(ops);
    }

    public byte[] Apply(byte[] resourceJson, string resourceType)
    {
        var json = JsonNode.Parse(resourceJson)!.AsObject();
        foreach (var op in _ops)
        {
            // the element tree is re-read after each operation: locations shift as elements come and go
            var tree = FhirJsonParser.Parse(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString())).Resource
                ?? throw JsonPatch.Failed("The resource could not be read for patching.");
            switch (op.Type)
            {
                case "add":
                {
                    var container = Single(tree, op.Path);
                    var target = Locate(json, container) as JsonObject ?? throw JsonPatch.Failed($"'{op.Path}' is not an element that can hold '{op.Name}'.");
                    var (name, repeats) = ChildName(container, op.Name!, op.Value!.Value.Suffix);
                    if (repeats)
                    {
                        if (target[name] is not JsonArray list) target[name] = list = [];
                        list.Add(op.Value.Value.Json?.DeepClone());
                    }
                    else if (target.ContainsKey(name)) throw JsonPatch.Failed($"'{op.Path}' already has '{op.Name}'; use replace.");
                    else target[name] = op.Value.Value.Json?.DeepClone();
                    break;
                }
                case "insert":
                {
                    var (list, _) = ListAt(json, tree, op.Path);
                    if (op.Index > list.Count) throw JsonPatch.Failed($"Index {op.Index} is beyond the {list.Count} items of '{op.Path}'.");
                    list.Insert(op.Index!.Value, op.Value!.Value.Json?.DeepClone());
                    break;
                }
                case "delete":
                {
                    var nodes = Evaluate(tree, op.Path);
                    if (nodes.Count == 0) break; // deleting nothing is not an error
                    if (nodes.Count > 1) throw JsonPatch.Failed($"'{op.Path}' matches {nodes.Count} elements; delete needs one.");
                    var (owner, property, index) = Slot(json, nodes[0]);
                    if (index is { } i)
                    {
                        var list = (JsonArray)owner[property]!;
                        list.RemoveAt(i);
                        if (owner["_" + property] is JsonArray extras && i < extras.Count) extras.RemoveAt(i);
                        if (list.Count == 0) { owner.Remove(property); owner.Remove("_" + property); }
                    }
                    else { owner.Remove(property); owner.Remove("_" + property); }
                    break;
                }
                case "replace":
                {
                    var (owner, property, index) = Slot(json, Single(tree, op.Path));
                    if (index is { } i) ((JsonArray)owner[property]!)[i] = op.Value!.Value.Json?.DeepClone();
                    else owner[property] = op.Value!.Value.Json?.DeepClone();
                    break;
                }
                case "move":
                {
                    var (list, _) = ListAt(json, tree, op.Path);
                    if (op.Source >= list.Count || op.Destination >= list.Count)
                        throw JsonPatch.Failed($"'{op.Path}' has {list.Count} items; cannot move {op.Source} to {op.Destination}.");
                    var item = list[op.Source!.Value];
                    list.RemoveAt(op.Source.Value);
                    list.Insert(op.Destination!.Value, item);
                    break;
                }
            }
        }
        return System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    private static List<ElementNode> Evaluate(ElementNode tree, string path)
    {
        IReadOnlyList<object> items;
        try
        {
            items = FhirPathCompiler.GetOrCompile(path).Evaluate(tree, new EvaluationContext { Resource = tree, RootResource = tree });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw JsonPatch.Failed($"'{ResourceIdentity.Truncate(path)}' could not be evaluated: {ex.Message}");
        }
        if (items.Any(i => i is not ElementNode)) throw JsonPatch.Failed($"'{ResourceIdentity.Truncate(path)}' does not select elements of the resource.");
        return items.Cast<ElementNode>().ToList();
    }

    private static ElementNode Single(ElementNode tree, string path)
    {
        var nodes = Evaluate(tree, path);
        return nodes.Count == 1 ? nodes[0] : throw JsonPatch.Failed($"'{ResourceIdentity.Truncate(path)}' matches {nodes.Count} elements; the operation needs exactly one.");
    }

    /// <summary>The JSON array holding a repeating element's items (insert, move); the path names the list, e.g. Patient.identifier.</summary>
    private static (JsonArray List, string Property) ListAt(JsonObject json, ElementNode tree, string path)
    {
        var nodes = Evaluate(tree, path);
        if (nodes.Count > 0)
        {
            var (owner, property, index) = Slot(json, nodes[0]);
            if (index is null || nodes.Any(n => n.Parent != nodes[0].Parent)) throw JsonPatch.Failed($"'{ResourceIdentity.Truncate(path)}' is not one repeating element.");
            return ((JsonArray)owner[property]!, property);
        }
        // an empty list: its parent is the path up to the last step
        var dot = path.LastIndexOf('.');
        if (dot < 0) throw JsonPatch.Failed($"'{ResourceIdentity.Truncate(path)}' selects nothing.");
        var parent = Single(tree, path[..dot]);
        var name = path[(dot + 1)..];
        var (jsonName, repeats) = ChildName(parent, name, null);
        if (!repeats || Locate(json, parent) is not JsonObject o) throw JsonPatch.Failed($"'{ResourceIdentity.Truncate(path)}' is not a repeating element.");
        var list = new JsonArray();
        o[jsonName] = list;
        return (list, jsonName);
    }

    /// <summary>The JSON property name and repetition of a child element, from the definitions (choice elements get the value's type as suffix).</summary>
    private static (string Name, bool Repeats) ChildName(ElementNode container, string name, string? valueType)
    {
        var defs = FhirDefinitions.R4;
        var definition = container.Definition ?? defs.GetType(container.TypeName)?.Root;
        if (definition is null) throw JsonPatch.Failed($"The element '{container.Location}' has no definition to add '{name}' to.");
        var slots = defs.ChildrenOf(definition, container.TypeName);
        if (slots.TryGetValue(name, out var slot)) return (name, slot.Element.IsArray);
        if (valueType is not null && slots.TryGetValue(name + valueType, out slot)) return (name + valueType, slot.Element.IsArray);
        throw JsonPatch.Failed($"'{container.TypeName}' has no element '{ResourceIdentity.Truncate(name)}'{(valueType is null ? "" : " of type " + valueType)}.");
    }

    /// <summary>Where a node lives in the JSON: the owning object, the property name, and the array index if it repeats.</summary>
    private static (JsonObject Owner, string Property, int? Index) Slot(JsonObject json, ElementNode node)
    {
        if (node.Parent is null) throw JsonPatch.Failed("The resource itself cannot be the target of this operation.");
        var owner = Locate(json, node.Parent) as JsonObject ?? throw JsonPatch.Failed($"'{node.Location}' cannot be changed.");
        var property = PropertyName(node);
        return (owner, property, owner[property] is JsonArray ? node.IndexAmongSiblings : null);
    }

    private static JsonNode? Locate(JsonObject json, ElementNode node)
    {
        if (node.Parent is null) return json;
        var owner = Locate(json, node.Parent) as JsonObject;
        var value = owner?[PropertyName(node)];
        return value is JsonArray a ? (node.IndexAmongSiblings < a.Count ? a[node.IndexAmongSiblings] : null) : value;
    }

    private static string PropertyName(ElementNode node) =>
        node.Definition?.IsChoice == true ? node.Name + char.ToUpperInvariant(node.TypeName[0]) + node.TypeName[1..] : node.Name;
}
