using Shifo.Fhir.FhirPath;
using Shifo.Fhir.FhirPath.Functions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.Validation;

/// <summary>A native check's answer: the FHIRPath outcome, or Unknown when the node's shape is not a plain one.</summary>
internal enum NativeAnswer : byte { Unknown, True, False, Empty }

/// <summary>An invariant checked in C#: the node it is evaluated on and the resource <c>%resource</c> stands for.</summary>
internal delegate NativeAnswer NativeCheck(ElementNode node, ElementNode resource);

/// <summary>
/// C# versions of the invariants that run most often (every element of every StructureDefinition, every extension),
/// found by their exact expression text in the R4 definitions, so that a profile writing a rule differently still
/// gets the FHIRPath. Each answers exactly as the FHIRPath would, or Unknown where the node takes an unusual shape
/// (a repeated or value-less primitive, a number that is not plain digits): the checker then evaluates the FHIRPath,
/// so that errors and edge cases stay the engine's. Tests compare both answers on every node of the spec examples.
/// </summary>
internal static partial class NativeInvariants
{
    public static NativeCheck? Find(string? expression)
    {
        if (expression is null) return null;
        if (ByExpression.TryGetValue(expression, out var check)) return check;
        // the rest of the frequent ones are plain logic over children (eld-16/19/20, sdf-0, qty-3, dom-6, vsd-9 and many more)
        return NativeLogic.Compile(expression);
    }

    public static bool? ToOutcome(this NativeAnswer answer) => answer switch
    {
        NativeAnswer.True => true,
        NativeAnswer.False => false,
        _ => null,
    };

    private static readonly string[] ContentReferenceExclusions =
        ["type", "defaultValue", "fixed", "pattern", "example", "minValue", "maxValue", "maxLength", "binding"];

    private static readonly Dictionary<string, NativeCheck> ByExpression = new(StringComparer.Ordinal)
    {
        // ext-1
        ["extension.exists() != value.exists()"] = (n, _) => Answer(Has(n, "extension") != Has(n, "value")),
        // eld-2
        ["min.empty() or max.empty() or (max = '*') or iif(max != '*', min <= max.toInteger())"] = MinNotAboveMax,
        // eld-3 (on max)
        ["empty() or ($this = '*') or (toInteger() >= 0)"] = (n, _) =>
            n.Value is not { } max ? NativeAnswer.Unknown : max == "*" || IsDigits(max, out var _) ? NativeAnswer.True : NativeAnswer.Unknown,
        // eld-4 (on type)
        ["aggregation.empty() or (code = 'Reference') or (code = 'canonical')"] = (n, _) =>
            !Has(n, "aggregation") ? NativeAnswer.True : Or(NativeAnswer.False, CodeIsReference(n)),
        // eld-5
        ["contentReference.empty() or (type.empty() and defaultValue.empty() and fixed.empty() and pattern.empty() and example.empty() and minValue.empty() and maxValue.empty() and maxLength.empty() and binding.empty())"] =
            (n, _) => Answer(!Has(n, "contentReference") || !HasAny(n, ContentReferenceExclusions)),
        // eld-6, eld-7 (the first really has two spaces)
        ["fixed.empty() or (type.count()  <= 1)"] = (n, _) => Answer(!Has(n, "fixed") || Count(n, "type") <= 1),
        ["pattern.empty() or (type.count() <= 1)"] = (n, _) => Answer(!Has(n, "pattern") || Count(n, "type") <= 1),
        // eld-8, eld-15
        ["pattern.empty() or fixed.empty()"] = (n, _) => Answer(!Has(n, "pattern") || !Has(n, "fixed")),
        ["defaultValue.empty() or meaningWhenMissing.empty()"] = (n, _) => Answer(!Has(n, "defaultValue") || !Has(n, "meaningWhenMissing")),
        // eld-11
        ["binding.empty() or type.code.empty() or type.select((code = 'code') or (code = 'Coding') or (code='CodeableConcept') or (code = 'Quantity') or (code = 'string') or (code = 'uri')).exists()"] =
            BindingOnCodedType,
        // eld-13, eld-14
        ["type.select(code).isDistinct()"] = (n, _) => GrandchildValuesDistinct(n, "type", "code"),
        ["constraint.select(key).isDistinct()"] = (n, _) => GrandchildValuesDistinct(n, "constraint", "key"),
        // eld-17 (on type)
        ["(code='Reference' or code = 'canonical') or targetProfile.empty()"] = (n, _) =>
            Or(CodeIsReference(n), Answer(!Has(n, "targetProfile"))),
        // eld-18
        ["(isModifier.exists() and isModifier) implies isModifierReason.exists()"] = ModifierHasReason,
        // eld-22
        ["sliceIsConstraining.exists() implies sliceName.exists()"] = (n, _) => Answer(!Has(n, "sliceIsConstraining") || Has(n, "sliceName")),
        // sdf-1
        ["derivation = 'constraint' or snapshot.element.select(path).isDistinct()"] = ConstraintOrDistinctPaths,
        // sdf-3 (on snapshot)
        ["element.all(definition.exists() and min.exists() and max.exists())"] = (n, _) =>
            Answer(AllChildren(n, "element", e => Has(e, "definition") && Has(e, "min") && Has(e, "max"))),
        // sdf-6
        ["snapshot.exists() or differential.exists()"] = (n, _) => Answer(Has(n, "snapshot") || Has(n, "differential")),
        // sdf-8 (on snapshot)
        ["(%resource.kind = 'logical' or element.first().path = %resource.type) and element.tail().all(path.startsWith(%resource.snapshot.element.first().path&'.'))"] =
            SnapshotPathsUnderType,
        // sdf-9
        ["children().element.where(path.contains('.').not()).label.empty() and children().element.where(path.contains('.').not()).code.empty() and children().element.where(path.contains('.').not()).requirements.empty()"] =
            RootElementsPlain,
        // sdf-10 (on snapshot.element)
        ["binding.empty() or binding.valueSet.exists() or binding.description.exists()"] = (n, _) =>
            !Has(n, "binding") ? NativeAnswer.True
                : Answer(AnyGrandchild(n, "binding", "valueSet") || AnyGrandchild(n, "binding", "description")),
        // sdf-14
        ["snapshot.element.all(id.exists()) and differential.element.all(id.exists())"] = (n, _) =>
            Answer(AllElementsHaveId(n, "snapshot") && AllElementsHaveId(n, "differential")),
        // sdf-16, sdf-17
        ["snapshot.element.all(id.exists()) and snapshot.element.id.trace('ids').isDistinct()"] = (n, _) => IdsPresentAndDistinct(n, "snapshot"),
        ["differential.element.all(id.exists()) and differential.element.id.trace('ids').isDistinct()"] = (n, _) => IdsPresentAndDistinct(n, "differential"),
        // sdf-23
        ["(snapshot | differential).element.all(path.contains('.').not() implies sliceName.empty())"] = RootElementsNotSliced,
        // ref-1 (on every Reference)
        ["reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))"] =
            LocalReferenceResolves,
        // dom-2, dom-4, dom-5 (on every DomainResource)
        ["contained.contained.empty()"] = (n, _) => Answer(!AnyGrandchild(n, "contained", "contained")),
        ["contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()"] = (n, _) =>
            Answer(!AnyGreatGrandchild(n, "contained", "meta", "versionId") && !AnyGreatGrandchild(n, "contained", "meta", "lastUpdated")),
        ["contained.meta.security.empty()"] = (n, _) => Answer(!AnyGreatGrandchild(n, "contained", "meta", "security")),
        // txt-1, txt-2 (on every Narrative.div): the function itself, without the FHIRPath dispatch around it
        ["htmlChecks()"] = (n, _) => n is { TypeName: "xhtml", HasValue: true } ? Answer(XhtmlSafety.IsSafe(n)) : NativeAnswer.Unknown,
        // dom-3 (on every DomainResource)
        ["contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()"] =
            ContainedAreReferenced,
        // per-1 (on every Period)
        ["start.hasValue().not() or end.hasValue().not() or (start <= end)"] = StartNotAfterEnd,
        // obs-7 (on every Observation)
        ["value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()"] =
            NoValueBesideComponentOfSameCode,
        // csd-1 (on every CodeSystem), cpb-12, sdf-20, and the Bundle rules read over every entry (bdl-3, bdl-4, bdl-7)
        ["concept.code.combine($this.descendants().concept.code).isDistinct()"] = ConceptCodesDistinct,
        ["searchParam.select(name).isDistinct()"] = (n, _) => GrandchildValuesDistinct(n, "searchParam", "name"),
        ["element.where(path.contains('.').not()).slicing.empty()"] = RootElementNotSliced,
        ["entry.all(request.exists() = (%resource.type = 'batch' or %resource.type = 'transaction' or %resource.type = 'history'))"] =
            (n, resource) => EntriesHaveIf(n, resource, "request", RequestTypes),
        ["entry.all(response.exists() = (%resource.type = 'batch-response' or %resource.type = 'transaction-response' or %resource.type = 'history'))"] =
            (n, resource) => EntriesHaveIf(n, resource, "response", ResponseTypes),
        ["(type = 'history') or entry.where(fullUrl.exists()).select(fullUrl&resource.meta.versionId).isDistinct()"] =
            FullUrlsDistinct,
        // sdf-8a (on every differential)
        ["(%resource.kind = 'logical' or element.first().path.startsWith(%resource.type)) and (element.tail().empty() or element.tail().all(path.startsWith(%resource.differential.element.first().path.replaceMatches('\\\\..*','')&'.')))"] =
            DifferentialPathsUnderType,
    };

    // start.hasValue().not() or end.hasValue().not() or (start <= end): the comparison is the engine's own, so dates of
    // different precision stay undetermined (empty) and values that do not compare stay the engine's error to report
    private static NativeAnswer StartNotAfterEnd(ElementNode n, ElementNode _)
    {
        var start = Only(n, "start", out var manyStarts);
        var end = Only(n, "end", out var manyEnds);
        // hasValue() is true only for a single primitive with a value
        if (manyStarts || start?.Value is null || manyEnds || end?.Value is null) return NativeAnswer.True;
        int? order;
        try { order = FhirPathValues.CompareItems(start, end); }
        catch (FhirPathException) { return NativeAnswer.Unknown; }
        return order is { } c ? Answer(c <= 0) : NativeAnswer.Empty;
    }

    // value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty(): with a value, no
    // component's code may share a coding with the Observation's code, coding equality being the engine's own
    private static NativeAnswer NoValueBesideComponentOfSameCode(ElementNode n, ElementNode resource)
    {
        if (!Has(n, "value")) return NativeAnswer.True;
        foreach (var component in n.ChildList)
        {
            if (component.Name != "component") continue;
            foreach (var code in component.ChildList)
            {
                if (code.Name != "code") continue;
                foreach (var coding in code.ChildList)
                    if (coding.Name == "coding" && ResourceCodeHasCoding(resource, coding)) return NativeAnswer.False;
            }
        }
        return NativeAnswer.True;
    }

    // whether %resource.code.coding holds an item equal to the coding, as intersect() compares them
    private static bool ResourceCodeHasCoding(ElementNode resource, ElementNode coding)
    {
        foreach (var code in resource.ChildList)
        {
            if (code.Name != "code") continue;
            foreach (var other in code.ChildList)
                if (other.Name == "coding" && FhirPathValues.ItemsEqual(other, coding) == true) return true;
        }
        return false;
    }

    // min.empty() or max.empty() or (max = '*') or iif(max != '*', min <= max.toInteger())
    private static NativeAnswer MinNotAboveMax(ElementNode n, ElementNode _)
    {
        var min = Only(n, "min", out var manyMin);
        var max = Only(n, "max", out var manyMax);
        if (manyMin || manyMax) return NativeAnswer.Unknown;
        if (min is null || max is null) return NativeAnswer.True;
        if (max.Value is not { } maxText || min.Value is not { } minText) return NativeAnswer.Unknown;
        if (maxText == "*") return NativeAnswer.True;
        return IsDigits(maxText, out var upper) && IsDigits(minText, out var lower) ? Answer(lower <= upper) : NativeAnswer.Unknown;
    }

    // code = 'Reference' or code = 'canonical', on an ElementDefinition.type
    private static NativeAnswer CodeIsReference(ElementNode type)
    {
        var code = Only(type, "code", out var many);
        if (many) return NativeAnswer.Unknown;
        if (code is null) return NativeAnswer.Empty;
        return code.Value is { } v ? Answer(v is "Reference" or "canonical") : NativeAnswer.Unknown;
    }

    // binding.empty() or type.code.empty() or type.select(<code is one of six types>).exists(): the select yields an item
    // (true or false) for every type with one code, so with a binding the rule holds whenever some type has a code
    private static NativeAnswer BindingOnCodedType(ElementNode n, ElementNode _)
    {
        if (!Has(n, "binding")) return NativeAnswer.True;
        foreach (var type in n.ChildList)
        {
            if (type.Name != "type") continue;
            var code = Only(type, "code", out var many);
            if (many || code is { Value: null }) return NativeAnswer.Unknown;
        }
        return NativeAnswer.True;
    }

    // (isModifier.exists() and isModifier) implies isModifierReason.exists()
    private static NativeAnswer ModifierHasReason(ElementNode n, ElementNode _)
    {
        var modifier = Only(n, "isModifier", out var many);
        if (many) return NativeAnswer.Unknown;
        return modifier?.Value switch
        {
            null when modifier is null => NativeAnswer.True,
            "false" => NativeAnswer.True,
            "true" => Answer(Has(n, "isModifierReason")),
            _ => NativeAnswer.Unknown,
        };
    }

    // derivation = 'constraint' or snapshot.element.select(path).isDistinct()
    private static NativeAnswer ConstraintOrDistinctPaths(ElementNode n, ElementNode _)
    {
        var derivation = Only(n, "derivation", out var many);
        if (many || derivation is { Value: null }) return NativeAnswer.Unknown;
        if (derivation?.Value == "constraint") return NativeAnswer.True;
        var paths = ScratchSet();
        var distinct = true;
        foreach (var snapshot in n.ChildList)
        {
            if (snapshot.Name != "snapshot") continue;
            foreach (var element in snapshot.ChildList)
            {
                if (element.Name != "element") continue;
                foreach (var path in element.ChildList)
                {
                    if (path.Name != "path") continue;
                    if (path.Value is not { } p) return NativeAnswer.Unknown;
                    distinct &= paths.Add(p);
                }
            }
        }
        return Or(derivation is null ? NativeAnswer.Empty : NativeAnswer.False, Answer(distinct));
    }

    // (%resource.kind = 'logical' or element.first().path = %resource.type)
    //   and element.tail().all(path.startsWith(%resource.snapshot.element.first().path & '.'))
    private static NativeAnswer SnapshotPathsUnderType(ElementNode n, ElementNode resource)
    {
        var logical = IsLogical(resource, out var type);
        if (logical == NativeAnswer.Unknown) return logical;

        ElementNode? first = null;
        foreach (var c in n.ChildList)
            if (c.Name == "element") { first = c; break; }
        NativeAnswer typeMatches;
        if (first is null || type is null) typeMatches = NativeAnswer.Empty;
        else
        {
            var firstPath = Only(first, "path", out var manyPaths);
            if (manyPaths || firstPath is { Value: null }) return NativeAnswer.Unknown;
            typeMatches = firstPath is null ? NativeAnswer.Empty : Answer(firstPath.Value == type.Value);
        }
        var left = Or(logical, typeMatches);
        if (left == NativeAnswer.Unknown) return NativeAnswer.Unknown;
        if (left == NativeAnswer.False) return NativeAnswer.False;

        // the prefix: the first path of %resource's snapshot (an empty collection reads as '' for &)
        string prefix;
        ElementNode? resourceFirst = null;
        foreach (var snapshot in resource.ChildList)
        {
            if (snapshot.Name != "snapshot") continue;
            foreach (var e in snapshot.ChildList)
                if (e.Name == "element") { resourceFirst = e; break; }
            if (resourceFirst is not null) break;
        }
        if (resourceFirst is null) prefix = ".";
        else
        {
            var p = Only(resourceFirst, "path", out var many);
            if (many || p is { Value: null }) return NativeAnswer.Unknown;
            prefix = (p?.Value ?? "") + ".";
        }

        return And(left, TailPathsStartWith(n, prefix));
    }

    // %resource.kind = 'logical', with %resource.type: Unknown when either repeats or has no value
    private static NativeAnswer IsLogical(ElementNode resource, out ElementNode? type)
    {
        var kind = Only(resource, "kind", out var manyKinds);
        type = Only(resource, "type", out var manyTypes);
        if (manyKinds || manyTypes || kind is { Value: null } || type is { Value: null }) return NativeAnswer.Unknown;
        return kind is null ? NativeAnswer.Empty : Answer(kind.Value == "logical");
    }

    // element.tail().all(path.startsWith(prefix)): every element after the first has a path under the prefix
    private static NativeAnswer TailPathsStartWith(ElementNode n, string prefix)
    {
        var seenFirst = false;
        foreach (var e in n.ChildList)
        {
            if (e.Name != "element") continue;
            if (!seenFirst) { seenFirst = true; continue; }
            var path = Only(e, "path", out var many);
            if (many || path is { Value: null }) return NativeAnswer.Unknown;
            if (path is null || !path.Value!.StartsWith(prefix, StringComparison.Ordinal)) return NativeAnswer.False;
        }
        return NativeAnswer.True;
    }

    // children().element.where(path.contains('.').not()).<label|code|requirements>.empty(), three times
    private static NativeAnswer RootElementsPlain(ElementNode n, ElementNode _)
    {
        var plain = true;
        foreach (var child in n.ChildList)
            foreach (var e in child.ChildList)
            {
                if (e.Name != "element") continue;
                var path = Only(e, "path", out var many);
                if (many || path is { Value: null }) return NativeAnswer.Unknown;
                if (path is null || path.Value!.Contains('.')) continue;
                plain &= !Has(e, "label") && !Has(e, "code") && !Has(e, "requirements");
            }
        return Answer(plain);
    }

    // (snapshot | differential).element.all(path.contains('.').not() implies sliceName.empty())
    private static NativeAnswer RootElementsNotSliced(ElementNode n, ElementNode _)
    {
        // the union lists the snapshot's elements first, whatever the JSON's order
        foreach (var partName in SnapshotThenDifferential)
            foreach (var part in n.ChildList)
            {
                if (part.Name != partName) continue;
                foreach (var e in part.ChildList)
                {
                    if (e.Name != "element") continue;
                    var path = Only(e, "path", out var many);
                    if (many || path is { Value: null }) return NativeAnswer.Unknown;
                    if (path is not null && path.Value!.Contains('.')) continue; // false implies anything
                    // a root path: true implies sliceName.empty(); no path: empty implies it, true only when it is true
                    if (Has(e, "sliceName")) return NativeAnswer.False;
                }
            }
        return NativeAnswer.True;
    }

    // reference.startsWith('#').not() or (reference.substring(1) in %rootResource.contained.id): a local reference must
    // name a contained resource of the root resource (the outermost one when this resource is itself contained)
    private static NativeAnswer LocalReferenceResolves(ElementNode n, ElementNode resource)
    {
        var reference = Only(n, "reference", out var many);
        if (many) return NativeAnswer.Unknown;
        if (reference is null) return NativeAnswer.Empty;
        if (reference.Value is not { } text || text == "#") return NativeAnswer.Unknown;
        if (!text.StartsWith('#')) return NativeAnswer.True;
        var root = resource;
        while (root.Name == "contained" && root.Parent is { IsResource: true } container) root = container;
        foreach (var contained in root.ChildList)
        {
            if (contained.Name != "contained") continue;
            var id = Only(contained, "id", out var manyIds);
            if (manyIds || id is { Value: null }) return NativeAnswer.Unknown;
            if (id?.Value is { } idText && text.AsSpan(1).SequenceEqual(idText))
                return NativeAnswer.True;
        }
        return NativeAnswer.False;
    }

    private enum Found : byte { None, Unsure, Yes }

    // Every contained resource with an id must be referred to as '#id' from somewhere in %resource (by a Reference's
    // reference, or a canonical/uri/url value); a '#' reference inside the contained resource also counts. Answers
    // only plain cases: a '#' value, a repeated id or a '#id' value in an element of another type defers to FHIRPath.
    private static NativeAnswer ContainedAreReferenced(ElementNode n, ElementNode resource)
    {
        foreach (var contained in n.ChildList)
        {
            if (contained.Name != "contained") continue;
            if (AnyValueEquals(contained, "#")) return NativeAnswer.Unknown;
            var id = Only(contained, "id", out var many);
            if (many || id is { Value: null }) return NativeAnswer.Unknown;
            if (id is null) continue; // '#' + {} is empty, so the where() leaves it out
            var found = FindLocalReference(resource, resource, "#" + id.Value);
            if (found == Found.Unsure) return NativeAnswer.Unknown;
            if (found == Found.None) return NativeAnswer.False;
        }
        return NativeAnswer.True;
    }

    // Among the descendants of the resource (not the resource itself): a value equal to the target that
    // %resource.descendants().reference or .as(canonical | uri | url) would yield.
    private static Found FindLocalReference(ElementNode node, ElementNode resource, string target)
    {
        var found = Found.None;
        foreach (var child in node.ChildList)
        {
            if (child.Value == target)
            {
                if ((child.Name == "reference" && !ReferenceEquals(node, resource)) || child.TypeName is "canonical" or "uri" or "url")
                    return Found.Yes;
                found = Found.Unsure;
            }
            var below = FindLocalReference(child, resource, target);
            if (below == Found.Yes) return Found.Yes;
            if (below == Found.Unsure) found = Found.Unsure;
        }
        return found;
    }

    private static bool AnyValueEquals(ElementNode node, string value)
    {
        foreach (var child in node.ChildList)
            if (child.Value == value || AnyValueEquals(child, value)) return true;
        return false;
    }

    private static bool AnyGreatGrandchild(ElementNode n, string a, string b, string c)
    {
        foreach (var child in n.ChildList)
            if (child.Name == a && AnyGrandchild(child, b, c)) return true;
        return false;
    }

    private static readonly string[] SnapshotThenDifferential = ["snapshot", "differential"];

    private static bool AllElementsHaveId(ElementNode n, string part)
    {
        foreach (var c in n.ChildList)
            if (c.Name == part && !AllChildren(c, "element", e => Has(e, "id"))) return false;
        return true;
    }

    // <part>.element.all(id.exists()) and <part>.element.id.isDistinct()
    private static NativeAnswer IdsPresentAndDistinct(ElementNode n, string part)
    {
        if (!AllElementsHaveId(n, part)) return NativeAnswer.False;
        var ids = ScratchSet();
        var distinct = true;
        foreach (var c in n.ChildList)
        {
            if (c.Name != part) continue;
            foreach (var e in c.ChildList)
            {
                if (e.Name != "element") continue;
                foreach (var id in e.ChildList)
                {
                    if (id.Name != "id") continue;
                    if (id.Value is not { } v) return NativeAnswer.Unknown;
                    distinct &= ids.Add(v);
                }
            }
        }
        return Answer(distinct);
    }

    // <a>.select(<b>).isDistinct(): the values of every b under every a, by ordinal string equality
    private static NativeAnswer GrandchildValuesDistinct(ElementNode n, string a, string b)
    {
        HashSet<string>? seen = null;
        string? single = null;
        foreach (var outer in n.ChildList)
        {
            if (outer.Name != a) continue;
            foreach (var inner in outer.ChildList)
            {
                if (inner.Name != b) continue;
                if (inner.Value is not { } v) return NativeAnswer.Unknown;
                if (single is null && seen is null) { single = v; continue; }
                if (seen is null) { seen = ScratchSet(); seen.Add(single!); }
                if (!seen.Add(v)) return NativeAnswer.False;
            }
        }
        return NativeAnswer.True;
    }

    private static bool AnyGrandchild(ElementNode n, string a, string b)
    {
        foreach (var outer in n.ChildList)
            if (outer.Name == a && Has(outer, b)) return true;
        return false;
    }

    private static bool AllChildren(ElementNode n, string name, Func<ElementNode, bool> test)
    {
        foreach (var c in n.ChildList)
            if (c.Name == name && !test(c)) return false;
        return true;
    }

    // ---- helpers: FHIRPath's three-valued logic and child lookups

    private static NativeAnswer Answer(bool b) => b ? NativeAnswer.True : NativeAnswer.False;

    private static NativeAnswer Or(NativeAnswer a, NativeAnswer b)
    {
        if (a == NativeAnswer.Unknown) return a;
        if (a == NativeAnswer.True) return a;
        if (b == NativeAnswer.Unknown || b == NativeAnswer.True) return b;
        return a == NativeAnswer.False && b == NativeAnswer.False ? NativeAnswer.False : NativeAnswer.Empty;
    }

    private static NativeAnswer And(NativeAnswer a, NativeAnswer b)
    {
        if (a == NativeAnswer.Unknown) return a;
        if (a == NativeAnswer.False) return a;
        if (b == NativeAnswer.Unknown || b == NativeAnswer.False) return b;
        return a == NativeAnswer.True && b == NativeAnswer.True ? NativeAnswer.True : NativeAnswer.Empty;
    }

    private static bool Has(ElementNode n, string name)
    {
        foreach (var c in n.ChildList)
            if (c.Name == name) return true;
        return false;
    }

    private static bool HasAny(ElementNode n, string[] names)
    {
        foreach (var c in n.ChildList)
            if (Array.IndexOf(names, c.Name) >= 0) return true;
        return false;
    }

    private static int Count(ElementNode n, string name)
    {
        var count = 0;
        foreach (var c in n.ChildList)
            if (c.Name == name) count++;
        return count;
    }

    /// <summary>The one child of that name, or null; <paramref name="many"/> when there are several.</summary>
    private static ElementNode? Only(ElementNode n, string name, out bool many)
    {
        ElementNode? found = null;
        many = false;
        foreach (var c in n.ChildList)
        {
            if (c.Name != name) continue;
            if (found is not null) { many = true; return null; }
            found = c;
        }
        return found;
    }

    /// <summary>Plain ASCII digits of at most nine, which toInteger() reads as that non-negative number.</summary>
    private static bool IsDigits(string text, out int value)
    {
        value = 0;
        if (text.Length is 0 or > 9) return false;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
