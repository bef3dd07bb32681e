using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.Validation;

/// <summary>
/// Uses of the package's search parameters must agree with them: a SearchParameter derived from one keeps its
/// type and bases, and a CapabilityStatement's searchParam that names a definition declares the same type.
/// </summary>
internal static class SearchParameterRules
{
    public static void CheckSearchParameter(ElementNode sp, ValidationWalker walker)
    {
        if (sp.Child("derivedFrom")?.Value is not { } derivedFrom || walker.Plans.SearchParameter(derivedFrom) is not { } parent) return;
        if (sp.Child("type") is { Value: { } type } && type != parent.Type)
            walker.Error("business-rule", sp, $"The type {type} differs from the type {parent.Type} of {parent.Url}, which this SearchParameter is derived from.");
        foreach (var b in sp.ChildrenNamed("base"))
        {
            if (b.Value is { } name && !Contains(parent.Base, name))
                walker.Error("business-rule", b, $"The resource type {name} is not a base of {parent.Url}, which this SearchParameter is derived from (bases: {string.Join(", ", parent.Base)}).");
        }
    }

    /// <summary>CapabilityStatement.rest.resource.searchParam: the declared type must be the definition's.</summary>
    public static void CheckCapabilityStatement(ElementNode cs, ValidationWalker walker)
    {
        foreach (var rest in cs.ChildrenNamed("rest"))
        {
            foreach (var p in rest.ChildrenNamed("searchParam")) CheckUse(p, walker);
            foreach (var resource in rest.ChildrenNamed("resource"))
                foreach (var p in resource.ChildrenNamed("searchParam")) CheckUse(p, walker);
        }
    }

    private static void CheckUse(ElementNode param, ValidationWalker walker)
    {
        if (param.Child("definition")?.Value is not { } url || walker.Plans.SearchParameter(url) is not { } definition) return;
        if (param.Child("type")?.Value is { } type && type != definition.Type)
            walker.Error("invalid", param, $"The type {type} does not match the type {definition.Type} of the search parameter {definition.Url}.");
    }

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (var s in list) if (s == value) return true;
        return false;
    }
}
