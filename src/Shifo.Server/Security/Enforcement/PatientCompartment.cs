using System.Collections.Concurrent;
using System.Text.Json;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.FhirPath;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;
using Shifo.Storage.Indexing;
using Shifo.Storage.Model;

namespace Shifo.Server.Security.Enforcement;

/// <summary>
/// Which patients a resource belongs to, by the specification's Patient CompartmentDefinition: a Patient is its own;
/// a resource of a patient-data type belongs to every Patient its compartment parameters' FHIRPath expressions
/// reference (relative or absolute); one that references none belongs to nobody. Expressions are compiled once per
/// type; answers are remembered per stored version. A stored version is answered from its JSON without building an
/// element tree when every expression of its type is a plain path of element names (most types: "Observation.subject"),
/// which gives the same answer as evaluating the FHIRPath.
/// </summary>
public sealed class PatientCompartment
{
    private const int MembershipCacheLimit = 200_000;
    private readonly FhirDefinitions _definitions = FhirDefinitions.R4;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _paramsByType;
    private readonly ConcurrentDictionary<string, IReadOnlyList<CompiledBranch>> _plans = new(StringComparer.Ordinal);
    // per type: the element paths to Patient references, or null when some expression is more than a plain path
    private readonly ConcurrentDictionary<string, string[][]?> _jsonPaths = new(StringComparer.Ordinal);
    // the time is part of the key: a version number written in a transaction that rolled back can come again with other content
    private readonly ConcurrentDictionary<(string Type, string Id, long Version, long Ticks), string[]> _members = new();

    private sealed record CompiledBranch(CompiledExpression Path, string? TargetType);

    public PatientCompartment()
    {
        var compartment = _definitions.Compartments.Single(c => c.Code == "Patient");
        _paramsByType = compartment.ParamsByResourceType.Where(kv => kv.Value.Count > 0 || kv.Key == "Patient")
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>Whether instances of the type are patient data (the Patient type included).</summary>
    public bool IsPatientData(string resourceType) => _paramsByType.ContainsKey(resourceType);

    /// <summary>The ids of the patients a stored version belongs to (empty: nobody's, or not patient data).</summary>
    public string[] PatientsOf(StoredResource stored)
    {
        if (!IsPatientData(stored.ResourceType) || stored.Json is null) return [];
        if (stored.ResourceType == "Patient") return [stored.Id];
        var key = (stored.ResourceType, stored.Id, stored.VersionId, stored.LastUpdated.UtcTicks);
        if (_members.TryGetValue(key, out var known)) return known;
        var patients = _jsonPaths.GetOrAdd(stored.ResourceType, JsonPathsFor) is { } paths
            ? PatientsOfJson(stored.Json, paths)
            : FhirJsonParser.Parse(stored.Json).Resource is { } parsed ? PatientsOf(parsed) : [];
        if (_members.Count >= MembershipCacheLimit) _members.Clear();
        _members[key] = patients;
        return patients;
    }

    /// <summary>The ids of the patients a resource (new content, not yet stored) belongs to.</summary>
    public string[] PatientsOf(ElementNode resource)
    {
        var type = resource.TypeName;
        if (!IsPatientData(type)) return [];
        if (type == "Patient") return resource.Child("id")?.Value is { } own ? [own] : [];
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var branch in _plans.GetOrAdd(type, BuildPlan))
        {
            if (branch.TargetType is not null && branch.TargetType != "Patient") continue;
            foreach (var item in branch.Path.Evaluate(resource))
                if (item is ElementNode node && PatientId(node) is { } id) found.Add(id);
        }
        return found.Count == 0 ? [] : found.ToArray();
    }

    /// <summary>The id of the Patient a reference points at ("Patient/1", "https://x/fhir/Patient/1", "Patient/1/_history/2"), else null.</summary>
    public static string? PatientId(string? reference)
    {
        if (string.IsNullOrEmpty(reference) || reference.StartsWith('#')) return null;
        var parts = reference.Split('/');
        var end = parts.Length;
        if (end >= 4 && parts[end - 2] == "_history") end -= 2;
        return end >= 2 && parts[end - 2] == "Patient" && parts[end - 1].Length > 0 ? parts[end - 1] : null;
    }

    private static string? PatientId(ElementNode node)
    {
        if (node.TypeName != "Reference") return null;
        var reference = node.Child("reference")?.Value;
        var declared = node.Child("type")?.Value;
        if (declared is not null && declared != "Patient") return null;
        return PatientId(reference);
    }

    /// <summary>The patients a plain-path plan reaches in stored JSON: the same References the FHIRPath branches select.</summary>
    internal static string[] PatientsOfJson(byte[] json, string[][] paths)
    {
        using var document = JsonDocument.Parse(json);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths) Collect(document.RootElement, path, 0, found);
        return found.Count == 0 ? [] : found.ToArray();
    }

    private static void Collect(JsonElement element, string[] path, int at, HashSet<string> found)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            // FHIRPath flattens collections at every step
            foreach (var item in element.EnumerateArray()) Collect(item, path, at, found);
            return;
        }
        if (element.ValueKind != JsonValueKind.Object) return;
        if (at < path.Length)
        {
            if (element.TryGetProperty(path[at], out var child)) Collect(child, path, at + 1, found);
            return;
        }
        // the selected element, a Reference: as PatientId(ElementNode) reads it
        var declared = element.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (declared is not null && declared != "Patient") return;
        var reference = element.TryGetProperty("reference", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        if (PatientId(reference) is { } id) found.Add(id);
    }

    /// <summary>The element-name paths of the type's compartment expressions ("Observation.performer" → [performer]), or null if any is not a plain path.</summary>
    internal string[][]? JsonPathsFor(string type)
    {
        var paths = new List<string[]>();
        var parameters = _definitions.SearchParametersFor(type);
        foreach (var code in _paramsByType[type])
        {
            var parameter = parameters.FirstOrDefault(p => p.Code == code);
            if (parameter?.Expression is null) continue;
            foreach (var b in ExpressionBranches.For(parameter.Expression, type, _definitions.IsResourceType))
            {
                if (b.TargetType is not null && b.TargetType != "Patient") continue;
                var steps = b.Expression.Trim().Split('.');
                if (steps.Length < 2 || steps[0] != type || !steps.Skip(1).All(PlainName)) return null;
                paths.Add(steps[1..]);
            }
        }
        return paths.ToArray();
    }

    private static bool PlainName(string step) =>
        step.Length > 0 && char.IsAsciiLetterLower(step[0]) && step.All(char.IsAsciiLetterOrDigit);

    private IReadOnlyList<CompiledBranch> BuildPlan(string type)
    {
        var branches = new List<CompiledBranch>();
        var parameters = _definitions.SearchParametersFor(type);
        foreach (var code in _paramsByType[type])
        {
            var parameter = parameters.FirstOrDefault(p => p.Code == code);
            if (parameter?.Expression is null) continue;
            foreach (var b in ExpressionBranches.For(parameter.Expression, type, _definitions.IsResourceType))
                branches.Add(new CompiledBranch(FhirPathCompiler.GetOrCompile(b.Expression), b.TargetType));
        }
        return branches;
    }
}
