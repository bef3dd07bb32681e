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

    // Type/id or Type/id/_history/version, read in place: references are on nearly every clinical resource
    private static bool IsRelativeRestful(string reference, ValidationWalker walker, out string type)
    {
        type = "";
        var rest = reference.AsSpan();
        var slash = rest.IndexOf('/');
        if (slash < 0 || walker.Definitions.ResourceTypeNamed(rest[..slash]) is not { } named) return false;
        rest = rest[(slash + 1)..];
        var idFormat = walker.Plans.Formats.Get("id");
        slash = rest.IndexOf('/');
        if (slash < 0)
        {
            if (!idFormat.Accepts(rest)) return false;
        }
        else
        {
            var id = rest[..slash];
            rest = rest[(slash + 1)..];
            if (!rest.StartsWith("_history/", StringComparison.Ordinal)) return false;
            var version = rest["_history/".Length..];
            if (!idFormat.Accepts(id) || !idFormat.Accepts(version)) return false;
        }
        type = named;
        return true;
    }

    private static ElementNode? FindContained(ElementNode resource, string id)
    {
        foreach (var c in resource.ChildList)
            if (c.Name == "contained" && c.IsResource && c.Child("id")?.Value == id) return c;
        return null;
    }
}
