using System.Collections.Concurrent;
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
/// type; answers are remembered per stored version.
/// </summary>
public sealed class PatientCompartment
{
    private const int MembershipCacheLimit = 200_000;
    private readonly FhirDefinitions _definitions = FhirDefinitions.R4;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _paramsByType;
    private readonly ConcurrentDictionary<string, IReadOnlyList<CompiledBranch>> _plans = new(StringComparer.Ordinal);
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
        var parsed = FhirJsonParser.Parse(stored.Json).Resource;
        var patients = parsed is null ? [] : PatientsOf(parsed);
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
