using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;

namespace Shifo.Fhir.Validation;

/// <summary>Builds each <see cref="NodePlan"/> once per definitions instance and element/type pair.</summary>
internal sealed class PlanCache
{
    private static readonly ConditionalWeakTable<FhirDefinitions, PlanCache> _perDefinitions = new();

    public static PlanCache For(FhirDefinitions defs) => _perDefinitions.GetValue(defs, d => new PlanCache(d));

    /// <summary>The universal element invariant, checked natively by <see cref="ValidationWalker"/>.</summary>
    public const string Ele1 = "ele-1";

    private readonly FhirDefinitions _defs;
    // keyed by the element's identity; each holds the (few) types the element was seen with
    private readonly ConcurrentDictionary<ElementInfo, KeyValuePair<string, NodePlan>[]> _plans = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string, NodePlan?> _resources = new(StringComparer.Ordinal);

    private PlanCache(FhirDefinitions defs)
    {
        _defs = defs;
        Formats = new PrimitiveFormats(defs);
    }

    public PrimitiveFormats Formats { get; }

    private Dictionary<string, SearchParameterInfo>? _searchParameters;

    /// <summary>A search parameter of the package by canonical URL (version suffix ignored), or null.</summary>
    public SearchParameterInfo? SearchParameter(string url)
    {
        var map = _searchParameters;
        if (map is null)
        {
            map = new Dictionary<string, SearchParameterInfo>(StringComparer.Ordinal);
            foreach (var sp in _defs.SearchParameters) map.TryAdd(sp.Url, sp);
            _searchParameters = map;
        }
        var bar = url.IndexOf('|');
        return map.GetValueOrDefault(bar >= 0 ? url[..bar] : url);
    }

    public NodePlan? ForResource(string resourceType) =>
        _resources.GetOrAdd(resourceType, t => _defs.GetType(t) is { IsResource: true } sd ? Build(sd.Root, t, isResource: true) : null);

    public NodePlan For(ElementInfo element, string typeCode)
    {
        if (_plans.TryGetValue(element, out var known))
        {
            foreach (var kv in known)
                if (ReferenceEquals(kv.Key, typeCode) || kv.Key == typeCode) return kv.Value;
        }
        var plan = Build(element, typeCode, isResource: false);
        _plans.AddOrUpdate(element, _ => [new(typeCode, plan)], (_, old) => [.. old, new(typeCode, plan)]);
        return plan;
    }

    private NodePlan Build(ElementInfo element, string typeCode, bool isResource)
    {
        var map = _defs.ChildrenOf(element, typeCode);
        var children = new List<ElementInfo>();
        var index = new Dictionary<ElementInfo, int>(ReferenceEqualityComparer.Instance);
        var required = false;
        foreach (var slot in map.Values)
        {
            if (index.ContainsKey(slot.Element)) continue;
            index[slot.Element] = children.Count;
            if (slot.Element.PlanSlot < 0) slot.Element.PlanSlot = children.Count;
            children.Add(slot.Element);
            required |= slot.Element.Min > 0;
        }

        var binding = BindingTarget.None;
        ValueSetExpansion? valueSet = null;
        if (element.Binding is { Strength: "required" } b)
        {
            binding = typeCode switch
            {
                "code" or "string" or "uri" => BindingTarget.Code,
                "Coding" => BindingTarget.Coding,
                "CodeableConcept" => BindingTarget.CodeableConcept,
                _ => BindingTarget.None,
            };
            valueSet = _defs.GetValueSet(b.ValueSet);
            if (valueSet is null || !valueSet.IsExpandable) { valueSet = null; binding = BindingTarget.None; }
        }

        HashSet<string>? targets = null;
        if (typeCode == "Reference")
        {
            targets = new HashSet<string>(StringComparer.Ordinal);
            foreach (var t in element.Types)
            {
                if (t.Code != "Reference") continue;
                foreach (var profile in t.TargetProfiles)
                {
                    var name = profile[(profile.LastIndexOf('/') + 1)..];
                    if (name == "Resource") { targets = null; break; }
                    targets.Add(name);
                }
                if (targets is null) break;
            }
            if (targets is { Count: 0 }) targets = null;
        }

        var plan = new NodePlan
        {
            Element = element,
            TypeCode = typeCode,
            IsResource = isResource,
            Children = [.. children],
            ChildIndex = index,
            HasRequiredChildren = required,
            Format = _defs.IsPrimitiveType(typeCode) ? Formats.Get(typeCode) : null,
            BindingTarget = binding,
            RequiredValueSet = valueSet,
            IsReference = typeCode == "Reference",
            ReferenceTargets = targets,
            IsExtension = typeCode == "Extension",
            IsCoding = typeCode == "Coding",
            Invariants = CollectInvariants(element, typeCode, isResource),
            ValueKind = _defs.IsPrimitiveType(typeCode) ? PrimitiveJson.KindOf(typeCode) : PrimitiveKind.None,
        };
        plan.InitChildPlans();
        return plan;
    }

    /// <summary>The element's own invariants plus those of its type's definition, each key once, ele-1 left out.</summary>
    private Constraint[] CollectInvariants(ElementInfo element, string typeCode, bool isResource)
    {
        var result = new List<Constraint>();
        void AddFrom(IReadOnlyList<Constraint> constraints)
        {
            foreach (var c in constraints)
            {
                if (c.Key == Ele1 || c.Expression is null) continue;
                var dup = false;
                foreach (var r in result) if (r.Key == c.Key) { dup = true; break; }
                if (!dup) result.Add(c);
            }
        }
        if (!isResource) AddFrom(element.Constraints);
        // a data type's or resource's own invariants sit on the root of its definition, not on each use
        if (!_defs.IsPrimitiveType(typeCode) && typeCode is not ("BackboneElement" or "Element") && _defs.GetType(typeCode) is { } sd
            && !ReferenceEquals(sd.Root, element))
            AddFrom(sd.Root.Constraints);
        else if (isResource)
            AddFrom(element.Constraints);
        return [.. result];
    }
}
