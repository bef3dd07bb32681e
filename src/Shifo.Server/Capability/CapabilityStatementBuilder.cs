using System.Text.Encodings.Web;
using System.Text.Json;
using Shifo.Fhir.Definitions;
using Shifo.Server.Endpoints;
using Shifo.Storage;
using Shifo.Storage.Search;

namespace Shifo.Server.Capability;

/// <summary>
/// The CapabilityStatement, generated from <see cref="Interactions"/>, the search compiler's supported parameters and
/// the definitions: every R4 resource type, the same interactions for each (the server is JSON-native, so one type is
/// handled like any other). Built once per base URL.
/// </summary>
public sealed class CapabilityStatementBuilder(IResourceStore store)
{
    private readonly Dictionary<string, byte[]> _cache = new(StringComparer.Ordinal);

    public byte[] Build(string baseUrl)
    {
        lock (_cache)
        {
            if (_cache.TryGetValue(baseUrl, out var cached)) return cached;
            var json = Write(baseUrl);
            _cache[baseUrl] = json;
            return json;
        }
    }

    private byte[] Write(string baseUrl)
    {
        var version = typeof(CapabilityStatementBuilder).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "CapabilityStatement");
            w.WriteString("status", "active");
            w.WriteString("date", "2026-01-01");
            w.WriteString("publisher", "Shifo");
            w.WriteString("kind", "instance");
            w.WriteStartObject("software");
            w.WriteString("name", "Shifo");
            w.WriteString("version", version);
            w.WriteEndObject();
            w.WriteStartObject("implementation");
            w.WriteString("description", $"Shifo FHIR server ({store.Kind} store)");
            w.WriteString("url", baseUrl);
            w.WriteEndObject();
            w.WriteString("fhirVersion", FhirDefinitions.FhirVersion);
            w.WriteStartArray("format");
            w.WriteStringValue("application/fhir+json");
            w.WriteStringValue("json");
            w.WriteEndArray();
            w.WriteStartArray("rest");
            w.WriteStartObject();
            w.WriteString("mode", "server");
            w.WriteString("documentation",
                $"Search is basic for now: {string.Join(" and ", BasicSearchCompiler.Supported)} on every type, with _count and _offset paging. " +
                "Other defined search parameters answer 501 Not Implemented; unknown ones are ignored with a warning (400 with Prefer: handling=strict).");
            w.WriteStartArray("resource");
            foreach (var type in FhirDefinitions.R4.ResourceTypeNames.Order(StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("type", type);
                w.WriteStartArray("interaction");
                foreach (var i in Interactions.TypeLevel)
                {
                    w.WriteStartObject();
                    w.WriteString("code", i);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteString("versioning", "versioned");
                w.WriteBoolean("readHistory", true);
                w.WriteBoolean("updateCreate", true);
                w.WriteBoolean("conditionalCreate", false);
                w.WriteString("conditionalRead", "full-support");
                w.WriteBoolean("conditionalUpdate", false);
                w.WriteString("conditionalDelete", "not-supported");
                w.WriteStartArray("searchParam");
                foreach (var sp in FhirDefinitions.R4.SearchParametersFor(type).Where(s => BasicSearchCompiler.Supported.Contains(s.Code)))
                {
                    w.WriteStartObject();
                    w.WriteString("name", sp.Code);
                    w.WriteString("definition", sp.Url);
                    w.WriteString("type", sp.Type);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("operation");
                foreach (var (name, definition) in Interactions.Operations)
                {
                    w.WriteStartObject();
                    w.WriteString("name", name);
                    w.WriteString("definition", definition);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("interaction");
            foreach (var i in Interactions.SystemLevel)
            {
                w.WriteStartObject();
                w.WriteString("code", i);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
