using System.Text.Json;
using System.Text.Unicode;
using Shifo.Fhir.Definitions;

namespace Shifo.Cli;

/// <summary>
/// Reads a file that must hold one FHIR resource as JSON. Anything else (missing file, not JSON, no or unknown
/// resourceType) is bad input rather than an invalid resource, so it raises <see cref="CliInputException"/>.
/// </summary>
public static class ResourceFile
{
    public static byte[] Read(string path)
    {
        if (Directory.Exists(path)) throw new CliInputException($"{path}: is a directory, expected a JSON file");
        if (!File.Exists(path)) throw new CliInputException($"{path}: no such file");
        var bytes = File.ReadAllBytes(path);
        // JSON is UTF-8 (RFC 8259); JsonDocument leaves string contents unchecked, the FHIR parser would refuse them later
        if (!Utf8.IsValid(bytes)) throw new CliInputException($"{path}: not valid JSON (the bytes are not UTF-8 text)");
        var resourceType = ReadResourceType(path, bytes);
        if (!FhirDefinitions.R4.IsResourceType(resourceType))
            throw new CliInputException($"{path}: '{resourceType}' is not a FHIR R4 resource type");
        return bytes;
    }

    private static string ReadResourceType(string path, byte[] bytes)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, position {ex.BytePositionInLine + 1})" : "";
            throw new CliInputException($"{path}: not valid JSON{where}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CliInputException($"{path}: not a FHIR resource (the JSON is not an object)");
            if (!doc.RootElement.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String)
                throw new CliInputException($"{path}: not a FHIR resource (no resourceType)");
            return type.GetString()!;
        }
    }
}
