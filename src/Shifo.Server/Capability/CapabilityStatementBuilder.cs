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
public sealed class CapabilityStatementBuilder(Security.Enforcement.TrustedStore trusted, Microsoft.Extensions.Options.IOptions<Hosting.ServerOptions> options)
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

    private readonly SearchCatalog _catalog = new(FhirDefinitions.R4);

    private static void WriteSearchParam(Utf8JsonWriter w, Fhir.Definitions.SearchParameterInfo sp)
    {
        w.WriteStartObject();
        w.WriteString("name", sp.Code);
        w.WriteString("definition", sp.Url);
        w.WriteString("type", sp.Type);
        var modifiers = SearchCatalog.ModifiersFor(sp.Type);
        w.WriteString("documentation", sp.Code is "_id" or "_lastUpdated"
            ? "Searched on the resource table."
            : $"Modifiers: {string.Join(", ", modifiers.Select(m => ":" + m))}." + (sp.Type == "reference" ? " Chainable." : ""));
        w.WriteEndObject();
    }

    /// <summary>For each type, the "Source:param" of every reference parameter that may point at it.</summary>
    private Dictionary<string, List<string>> RevIncludes()
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var source in FhirDefinitions.R4.ResourceTypeNames.Order(StringComparer.Ordinal))
            foreach (var sp in _catalog.ReferenceParameters(source).OrderBy(s => s.Code, StringComparer.Ordinal))
                foreach (var target in sp.Target.Count > 0 ? sp.Target : FhirDefinitions.R4.ResourceTypeNames)
                {
                    if (!result.TryGetValue(target, out var list)) result[target] = list = [];
                    list.Add($"{source}:{sp.Code}");
                }
        return result;
    }

    private byte[] Write(string baseUrl)
    {
        var revIncludes = RevIncludes();
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
            w.WriteString("description", $"Shifo FHIR server ({trusted.Store.Kind} store)");
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
                "Search: every parameter listed per type, with the prefixes eq, ne, gt, lt, ge, le, sa, eb, ap on number, date and quantity; " +
                "modifiers as documented per parameter; comma = OR, repeated parameter = AND; chains to any depth ([param]:[type].[param]) and _has; " +
                "_include and _revinclude (with :iterate and *), _sort (several keys, - for descending), _count with next/previous links (keyset paging), " +
                "_total (none, estimate, accurate), _summary (true, text, data, count, false), _elements; compartment search ([type]/[id]/[type]). " +
                "Unknown parameters are ignored with a warning in the Bundle's OperationOutcome (400 with Prefer: handling=strict); malformed values are 400. " +
                "Conditional create with If-None-Exist.");
            w.WriteStartArray("searchParam");
            foreach (var sp in _catalog.Supported(null).OrderBy(s => s.Code, StringComparer.Ordinal)) WriteSearchParam(w, sp);
            w.WriteEndArray();
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
                w.WriteBoolean("conditionalCreate", true);
                w.WriteString("conditionalRead", "full-support");
                w.WriteBoolean("conditionalUpdate", true);
                w.WriteString("conditionalDelete", options.Value.MaxConditionalDeletes > 1 ? "multiple" : "single");
                var references = _catalog.ReferenceParameters(type).Select(s => $"{type}:{s.Code}").Order(StringComparer.Ordinal).ToList();
                w.WriteStartArray("searchInclude");
                if (references.Count > 0) w.WriteStringValue("*");
                foreach (var include in references) w.WriteStringValue(include);
                w.WriteEndArray();
                w.WriteStartArray("searchRevInclude");
                foreach (var revinclude in revIncludes.GetValueOrDefault(type, [])) w.WriteStringValue(revinclude);
                w.WriteEndArray();
                w.WriteStartArray("searchParam");
                foreach (var sp in _catalog.Supported(type).OrderBy(s => s.Code, StringComparer.Ordinal)) WriteSearchParam(w, sp);
                w.WriteEndArray();
                WriteOperations(w, Interactions.Operations.Concat(Interactions.TypeOperations.GetValueOrDefault(type, [])));
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
            WriteOperations(w, Interactions.SystemOperations);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteOperations(Utf8JsonWriter w, IEnumerable<(string Name, string Definition)> operations)
    {
        w.WriteStartArray("operation");
        foreach (var (name, definition) in operations)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("definition", definition);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
