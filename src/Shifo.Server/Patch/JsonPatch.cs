using System.Text.Json;
using System.Text.Json.Nodes;
using Shifo.Server.Pipeline;

namespace Shifo.Server.Patch;

/// <summary>JSON Patch (RFC 6902: add, remove, replace, move, copy, test) over a resource's JSON, addressed by JSON Pointers (RFC 6901).</summary>
public sealed class JsonPatch : IResourcePatch
{
    private sealed record Op(string Name, string Path, string? From, JsonNode? Value, bool HasValue);

    private readonly IReadOnlyList<Op> _ops;

    private JsonPatch(IReadOnlyList<Op> ops) => _ops = ops;

    /// <summary>Reads the patch document; anything that is not a well-formed JSON Patch is a 400-kind problem.</summary>
    public static JsonPatch Parse(ReadOnlySpan<byte> json)
    {
        JsonNode? doc;
        try { doc = JsonNode.Parse(json); }
        catch (JsonException) { throw Bad("The JSON Patch document is not JSON."); }
        if (doc is not JsonArray array) throw Bad("A JSON Patch document is an array of operations.");
        var ops = new List<Op>();
        foreach (var item in array)
        {
            if (item is not JsonObject o) throw Bad("Each JSON Patch operation is an object.");
            var name = Text(o, "op") ?? throw Bad("A JSON Patch operation needs 'op'.");
            var path = Text(o, "path") ?? throw Bad($"The '{name}' operation needs 'path'.");
            var from = Text(o, "from");
            var hasValue = o.ContainsKey("value");
            switch (name)
            {
                case "add" or "replace" or "test" when !hasValue: throw Bad($"The '{name}' operation needs 'value'.");
                case "move" or "copy" when from is null: throw Bad($"The '{name}' operation needs 'from'.");
                case "add" or "remove" or "replace" or "move" or "copy" or "test": break;
                default: throw Bad($"'{ResourceIdentity.Truncate(name)}' is not a JSON Patch operation.");
            }
            ops.Add(new Op(name, path, from, o["value"]?.DeepClone(), hasValue));
        }
        return new JsonPatch(ops);
    }

    public byte[] Apply(byte[] resourceJson, string resourceType)
    {
        JsonNode root = JsonNode.Parse(resourceJson)!;
        foreach (var op in _ops)
        {
            switch (op.Name)
            {
                case "add": root = Add(root, op.Path, op.Value?.DeepClone()); break;
                case "remove": Remove(root, op.Path); break;
                case "replace":
                    Remove(root, op.Path);
                    root = Add(root, op.Path, op.Value?.DeepClone());
                    break;
                case "move":
                    if (op.Path.StartsWith(op.From! + "/", StringComparison.Ordinal)) throw Failed("'move' cannot move a value into itself.");
                    var moved = Remove(root, op.From!);
                    root = Add(root, op.Path, moved);
                    break;
                case "copy": root = Add(root, op.Path, Get(root, op.From!)?.DeepClone()); break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(root, op.Path), op.Value)) throw Failed($"The test at '{op.Path}' failed.");
                    break;
            }
        }
        return System.Text.Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static JsonNode? Get(JsonNode root, string pointer)
    {
        var node = root;
        foreach (var token in Tokens(pointer))
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw Failed($"'{pointer}' does not exist in the resource."),
            } ?? throw Failed($"'{pointer}' does not exist in the resource.");
        return node;
    }

    private static JsonNode Add(JsonNode root, string pointer, JsonNode? value)
    {
        var tokens = Tokens(pointer);
        if (tokens.Count == 0) return value ?? throw Failed("The whole resource cannot be replaced by null.");
        var parent = Get(root, Pointer(tokens[..^1]));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a when last == "-": a.Add(value); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count: a.Insert(i, value); break;
            default: throw Failed($"'{pointer}' cannot be added to.");
        }
        return root;
    }

    private static JsonNode? Remove(JsonNode root, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Count == 0) throw Failed("The whole resource cannot be removed.");
        var parent = Get(root, Pointer(tokens[..^1]));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out var old):
                o.Remove(last);
                return old;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                var item = a[i];
                a.RemoveAt(i);
                return item;
            default: throw Failed($"'{pointer}' does not exist in the resource.");
        }
    }

    private static List<string> Tokens(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw Bad($"'{ResourceIdentity.Truncate(pointer)}' is not a JSON Pointer (it must start with '/').");
        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToList();
    }

    private static string Pointer(IEnumerable<string> tokens) => string.Concat(tokens.Select(t => "/" + t.Replace("~", "~0").Replace("/", "~1")));

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    internal static FhirProblem Bad(string message) => FhirProblem.Of(ProblemKind.Invalid, "invalid", message);

    internal static FhirProblem Failed(string message) => FhirProblem.Of(ProblemKind.Unprocessable, "processing", message);
}
