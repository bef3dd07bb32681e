using Shifo.Fhir.Definitions;
using Shifo.Fhir.FhirPath;
using Shifo.Fhir.Model;
using Shifo.Fhir.Outcomes;
using Shifo.Fhir.Serialization;

namespace Shifo.Fhir.Validation;

/// <summary>Where a node sits: its resource, the resource at the root of containment, and the enclosing Bundle.</summary>
internal readonly record struct Scope(ElementNode Resource, ElementNode RootResource, BundleIndex? Bundle, ReusableEvaluation Evaluation);

/// <summary>
/// One validation run over a parsed tree: walks every node once, checking each against its cached plan,
/// and appends what it finds to the issue list. Not thread-safe; the validator makes one per call.
/// </summary>
internal sealed class ValidationWalker
{
    private readonly FhirDefinitions _defs;
    private readonly PlanCache _plans;
    private readonly List<Issue> _issues;
    private readonly InvariantChecker _invariants;

    public ValidationWalker(FhirDefinitions defs, PlanCache plans, List<Issue> issues)
    {
        _defs = defs;
        _plans = plans;
        _issues = issues;
        _invariants = new InvariantChecker(issues);
    }

    public FhirDefinitions Definitions => _defs;
    public PlanCache Plans => _plans;

    public void Report(IssueSeverity severity, string code, ElementNode at, string message) =>
        _issues.Add(new Issue(severity, code, at.Location, message));

    public void Error(string code, ElementNode at, string message) => Report(IssueSeverity.Error, code, at, message);

    public void ValidateResource(ElementNode resource) => Resource(resource, null, null);

    /// <param name="container">The resource holding this one in "contained", else null.</param>
    private void Resource(ElementNode resource, ElementNode? container, BundleIndex? bundle)
    {
        var plan = _plans.ForResource(resource.TypeName);
        if (plan is null) return; // the parser already reported an unknown resource type
        if (resource.Child("id") is { Value: { } id } idNode && _plans.Formats.Get("id").Check(id) is { } bad)
            Error("value", idNode, "The resource id " + bad);
        if (resource.TypeName == "Bundle") bundle = BundleIndex.Build(resource);
        var root = container ?? resource;
        // one evaluation state per resource, shared by all its invariants
        var scope = new Scope(resource, root, bundle, new ReusableEvaluation(new EvaluationContext { Resource = resource, RootResource = root }));
        Node(resource, plan, scope);
        switch (resource.TypeName)
        {
            case "Bundle":
                BundleRules.Check(resource, this);
                BundleLinks.Check(resource, this);
                break;
            case "SearchParameter":
                SearchParameterRules.CheckSearchParameter(resource, this);
                break;
            case "CapabilityStatement":
                SearchParameterRules.CheckCapabilityStatement(resource, this);
                break;
        }
    }

    private void Node(ElementNode node, NodePlan plan, in Scope scope)
    {
        var children = node.ChildList;

        if (!plan.IsResource && !node.HasValue)
            CheckEle1(node, plan, children);

        if (plan.Format is { } format && node.HasValue && node.ValueKind == plan.ValueKind
            && format.Check(node) is { } problem)
            Error("value", node, problem);

        if (plan.RequiredValueSet is not null) BindingRules.Check(node, plan.BindingTarget, plan.RequiredValueSet, this);
        if (plan.IsReference) ReferenceRules.Check(node, plan, scope, this);
        if (plan.IsExtension) ExtensionRules.Check(node, this);
        if (plan.IsCoding) CodingRules.Check(node, this);

        var present = PresentChildren.None;
        if (children.Count > 0) present = Children(node, plan, children, scope);
        else if (plan.HasRequiredChildren) Cardinality(node, plan, []);

        if (plan.Invariants.Length > 0) _invariants.Check(node, plan, scope, present);
    }

    /// <summary>ele-1 ("hasValue() or (children().count() > id.count())") natively: a value, or a child other than id.</summary>
    private void CheckEle1(ElementNode node, NodePlan plan, List<ElementNode> children)
    {
        // an empty JSON object was already reported by the parser
        if (children.Count == 0 && plan.Format is null) return;
        foreach (var c in children)
            if (c.Name != "id") return;
        Error("invariant", node, "ele-1: All FHIR elements must have a @value or children"
            + (plan.Format is null ? " (only an id is present)." : " (this primitive has neither a value nor extensions)."));
    }

    /// <summary>Checks the children and their cardinality; returns which of the plan's child slots are present.</summary>
    private PresentChildren Children(ElementNode node, NodePlan plan, List<ElementNode> children, in Scope scope)
    {
        var n = plan.Children.Length;
        Span<int> counts = n <= 256 ? stackalloc int[n] : new int[n];
        ulong slots = 0;
        var exact = true;
        for (var i = 0; i < children.Count; i++)
        {
            var child = children[i];
            var def = child.Definition;
            if (def is null) { exact = false; continue; } // unknown content: reported by the parser
            // the element's own slot number answers without a lookup when this plan numbers it the same way
            var slot = def.PlanSlot;
            var known = ((uint)slot < (uint)plan.Children.Length && ReferenceEquals(plan.Children[slot], def))
                || plan.ChildIndex.TryGetValue(def, out slot);
            if (known)
            {
                counts[slot]++;
                // a renamed node (the tree is mutable) no longer answers to its slot's name
                if (slot < 64 && (ReferenceEquals(child.Name, def.Name) || child.Name == def.Name)) slots |= 1UL << slot;
                else exact = false;
            }
            else exact = false;
            if (child.IsResource)
                Resource(child, def.Name == "contained" ? scope.RootResource : null, scope.Bundle);
            else
                Node(child, known ? plan.ChildPlan(slot, child.TypeName, _plans) : _plans.For(def, child.TypeName), scope);
        }
        Cardinality(node, plan, counts);
        return new PresentChildren(slots, exact);
    }

    private void Cardinality(ElementNode node, NodePlan plan, ReadOnlySpan<int> counts)
    {
        for (var i = 0; i < plan.Children.Length; i++)
        {
            var el = plan.Children[i];
            var count = counts.Length == 0 ? 0 : counts[i];
            if (count < el.Min)
            {
                Error("required", node, count == 0
                    ? $"{el.Path} is required (minimum {el.Min}) but is missing."
                    : $"{el.Path} needs at least {el.Min} values, found {count}.");
            }
            else if (el.Max >= 0 && count > el.Max)
            {
                if (el.IsChoice && el.Max == 1)
                    Error("structure", node, $"{el.Path} may hold only one value, of one type, but {count} were given ({ChoiceNames(node, el)}).");
                else
                    Error("structure", node, $"{el.Path} allows at most {el.Max} value{(el.Max == 1 ? "" : "s")}, found {count}.");
            }
        }
    }

    private static string ChoiceNames(ElementNode node, ElementInfo el)
    {
        var names = new List<string>();
        foreach (var c in node.ChildList)
            if (ReferenceEquals(c.Definition, el))
                names.Add(el.Name + char.ToUpperInvariant(c.TypeName[0]) + c.TypeName[1..]);
        return string.Join(", ", names);
    }
}
