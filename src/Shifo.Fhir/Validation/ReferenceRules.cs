using Shifo.Fhir.Model;

namespace Shifo.Fhir.Validation;

/// <summary>
/// Reference.reference must be a relative "Type/id", an absolute URL, "#id" of a contained resource, or a
/// urn:uuid:/urn:oid:; when the referenced type can be told, it must be one the element's targetProfile allows.
/// (Whether "#id" resolves is left to the ref-1 invariant.)
/// </summary>
internal static class ReferenceRules
{
    public static void Check(ElementNode node, NodePlan plan, in Scope scope, ValidationWalker walker)
    {
        ElementNode? refNode = null;
        string? declaredType = null;
        foreach (var c in node.ChildList)
        {
            if (c.Name == "reference") refNode = c;
            else if (c.Name == "type") declaredType = c.Value;
        }
        var defs = walker.Definitions;
        string? targetType = null;
        if (refNode?.Value is { } reference)
        {
            if (reference[0] == '#')
                targetType = reference.Length == 1 ? scope.RootResource.TypeName : FindContained(scope.RootResource, reference[1..])?.TypeName;
            else if (reference.StartsWith("urn:uuid:", StringComparison.Ordinal) || reference.StartsWith("urn:oid:", StringComparison.Ordinal))
            {
                var kind = reference[4] == 'u' ? "uuid" : "oid";
                // still an absolute URI, so only a warning (the HL7 validator accepts it too)
                if (walker.Plans.Formats.Get(kind).Check(reference) is { } bad)
                    walker.Report(Outcomes.IssueSeverity.Warning, "invalid", refNode, "The reference " + bad);
                targetType = scope.Bundle?.Find(reference)?.TypeName;
            }
            else if (ReferenceText.IsAbsolute(reference))
            {
                targetType = scope.Bundle?.Find(reference)?.TypeName
                    ?? (ReferenceText.TryRestful(reference, defs, out var t, out _) ? t : null);
            }
            else
            {
                var q = reference.IndexOf('?');
                if (q >= 0)
                {
                    // a conditional reference ("Patient?identifier=...") as used in transactions
                    var t = reference[..q];
                    if (defs.IsResourceType(t)) targetType = t;
                    else walker.Error("invalid", refNode, $"The conditional reference '{reference}' does not start with a resource type.");
                }
                else if (IsRelativeRestful(reference, walker, out var t))
                    targetType = t;
                else
                {
                    walker.Error("invalid", refNode, $"'{PrimitiveFormat.Shorten(reference)}' is not a valid reference: expected Type/id (e.g. Patient/123), "
                        + "an absolute URL, #id of a contained resource, or urn:uuid:/urn:oid:.");
                    return;
                }
            }
        }

        if (declaredType is not null && defs.IsResourceType(declaredType))
        {
            if (targetType is not null && targetType != declaredType)
                walker.Error("invalid", node, $"The reference points to a {targetType} but Reference.type says {declaredType}.");
            targetType ??= declaredType;
        }

        if (targetType is not null && plan.ReferenceTargets is { } allowed && !allowed.Contains(targetType))
            walker.Error("structure", node,
                $"A reference to a {targetType} is not allowed at {plan.Element.Path}; allowed: {string.Join(", ", allowed)}.");
    }

    private static bool IsRelativeRestful(string reference, ValidationWalker walker, out string type)
    {
        type = "";
        var parts = reference.Split('/');
        if (!(parts.Length == 2 || (parts.Length == 4 && parts[2] == "_history"))) return false;
        if (!walker.Definitions.IsResourceType(parts[0])) return false;
        var idFormat = walker.Plans.Formats.Get("id");
        if (idFormat.Check(parts[1]) is not null || (parts.Length == 4 && idFormat.Check(parts[3]) is not null)) return false;
        type = parts[0];
        return true;
    }

    private static ElementNode? FindContained(ElementNode resource, string id)
    {
        foreach (var c in resource.ChildList)
            if (c.Name == "contained" && c.IsResource && c.Child("id")?.Value == id) return c;
        return null;
    }
}
