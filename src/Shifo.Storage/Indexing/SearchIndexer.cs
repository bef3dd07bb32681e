using System.Collections.Concurrent;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;

namespace Shifo.Storage.Indexing;

/// <summary>
/// Extracts the index rows of a resource for every search parameter the official definitions give its type, by
/// evaluating each parameter's FHIRPath expression. Expressions are compiled once per resource type, on first use.
/// _id and _lastUpdated are not indexed here: the resource table holds them; nor are parameters that only repeat
/// others (<see cref="StoredParameters"/>): their searches read those others' rows.
/// </summary>
public sealed class SearchIndexer(FhirDefinitions definitions, IPathEngine engine)
{
    private readonly ConcurrentDictionary<string, TypePlan> _plans = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _problems = new(StringComparer.Ordinal);
    private readonly StoredParameters _stored = StoredParameters.For(definitions);

    /// <summary>Parameters whose expressions the engine could not compile or evaluate, with the reason (for reindex reports and logs).</summary>
    public IReadOnlyDictionary<string, string> Problems => _problems;

    public IReadOnlyList<IndexRow> Extract(ElementNode resource)
    {
        var plan = _plans.GetOrAdd(resource.TypeName, BuildPlan);
        var rows = new List<IndexRow>(64);
        foreach (var p in plan.Parameters)
        {
            if (p.Components.Count == 0)
            {
                var values = new IndexValues(definitions, p.Code, null, null, rows);
                foreach (var item in Evaluate(p, p.Branches, resource, Scratch(ref t_items)))
                    values.Add(p.Type, item);
                continue;
            }
            // a composite: each selected node is one group; its components are evaluated relative to it. A group
            // lacking a component can never match (a composite search names every component), so it is not stored:
            // an Observation without a value would otherwise write its code once more for each code-value-[x]
            var group = 0;
            foreach (var item in Evaluate(p, p.Branches, resource, Scratch(ref t_items)))
            {
                if (item is not ElementNode node) continue;
                var start = rows.Count;
                var complete = true;
                for (var c = 0; c < p.Components.Count && complete; c++)
                {
                    var component = p.Components[c];
                    var before = rows.Count;
                    var values = new IndexValues(definitions, p.Code, group, c, rows);
                    foreach (var v in Evaluate(p, component.Branches, node, Scratch(ref t_componentItems)))
                        values.Add(component.Type, v);
                    complete = rows.Count > before;
                }
                if (complete) group++;
                else rows.RemoveRange(start, rows.Count - start);
            }
        }
        return rows;
    }

    // the items of one parameter, and of one component inside a composite's group, reused by each thread's extractions
    [ThreadStatic] private static List<object>? t_items;
    [ThreadStatic] private static List<object>? t_componentItems;

    private static List<object> Scratch(ref List<object>? list)
    {
        if (list is null || list.Capacity > 4096) list = new List<object>(16);
        else list.Clear();
        return list;
    }

    /// <summary>Every item the branches select, copied into <paramref name="results"/> (each evaluation's own list is the engine's to reuse).</summary>
    private List<object> Evaluate(ParameterPlan p, IReadOnlyList<CompiledBranch> branches, ElementNode focus, List<object> results)
    {
        foreach (var b in branches)
        {
            try
            {
                foreach (var item in b.Path(focus))
                {
                    // a "where(resolve() is T)" branch keeps only references whose target is of type T
                    if (b.TargetType is not null && !ReferencesType(item, b.TargetType)) continue;
                    results.Add(item);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _problems.TryAdd(p.Url, "evaluation failed: " + ex.Message);
            }
        }
        return results;
    }

    private static bool ReferencesType(object item, string type)
    {
        if (item is not ElementNode { TypeName: "Reference" } r) return true;
        var reference = r.Child("reference")?.Value;
        var declared = r.Child("type")?.Value;
        // resolve() finds nothing for a reference by identifier alone: only its declared type can say what it points to
        // (AuditEvent agents named by identifier must not land in AuditEvent's patient parameter)
        if (string.IsNullOrEmpty(reference)) return declared == type;
        var (target, _, _, _) = IndexValues.ParseReference(reference, declared);
        return target is null || target == type;
    }

    private TypePlan BuildPlan(string resourceType)
    {
        var parameters = new List<ParameterPlan>();
        foreach (var sp in definitions.SearchParametersFor(resourceType))
        {
            if (sp.Expression is null || sp.Code is "_id" or "_lastUpdated" || _stored.IsRepeat(resourceType, sp)) continue;
            if (sp.Type != "composite" && IndexTable.ForParameterType(sp.Type) is null) continue;
            var branches = CompileBranches(sp.Url, sp.Expression, resourceType);
            if (branches.Count == 0) continue;
            var components = new List<ComponentPlan>();
            if (sp.Type == "composite")
            {
                foreach (var comp in sp.Components)
                {
                    var definition = definitions.SearchParameterByUrl(comp.Definition);
                    if (definition is null || IndexTable.ForParameterType(definition.Type) is null) { components.Clear(); break; }
                    components.Add(new ComponentPlan(definition.Type, CompileBranches(sp.Url, comp.Expression, null)));
                }
                if (components.Count == 0) continue;
            }
            parameters.Add(new ParameterPlan(sp.Url, sp.Code, sp.Type, branches, components));
        }
        return new TypePlan(parameters);
    }

    private List<CompiledBranch> CompileBranches(string url, string expression, string? resourceType)
    {
        var result = new List<CompiledBranch>();
        var branches = resourceType is null ? [new ExpressionBranch(expression, null)]
            : ExpressionBranches.For(expression, resourceType, definitions.IsResourceType);
        foreach (var b in branches)
        {
            try
            {
                result.Add(new CompiledBranch(engine.Compile(b.Expression), b.TargetType));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _problems.TryAdd(url, $"'{b.Expression}' does not compile: {ex.Message}");
            }
        }
        return result;
    }

    private sealed record CompiledBranch(CompiledPath Path, string? TargetType);
    private sealed record ComponentPlan(string Type, IReadOnlyList<CompiledBranch> Branches);
    private sealed record ParameterPlan(string Url, string Code, string Type, IReadOnlyList<CompiledBranch> Branches, IReadOnlyList<ComponentPlan> Components);
    private sealed record TypePlan(IReadOnlyList<ParameterPlan> Parameters);
}
