using Shifo.Fhir.Model;

namespace Shifo.Fhir.Validation;

/// <summary>
/// Bundle rules beyond the invariants: each fullUrl is an absolute URI (a well-formed urn:uuid:/urn:oid: when
/// it is one) and, when RESTful, names the entry's resource type and id. Entry resources are validated as
/// resources by the walker; request/response presence and fullUrl uniqueness are the bdl-* invariants.
/// </summary>
internal static class BundleRules
{
    public static void Check(ElementNode bundle, ValidationWalker walker)
    {
        foreach (var entry in bundle.ChildList)
        {
            if (entry.Name != "entry") continue;
            ElementNode? fullUrl = null;
            ElementNode? resource = null;
            foreach (var c in entry.ChildList)
            {
                if (c.Name == "fullUrl") fullUrl = c;
                else if (c.Name == "resource" && c.IsResource) resource = c;
            }
            if (fullUrl?.Value is not { } url) continue;
            if (!ReferenceText.IsAbsolute(url))
            {
                walker.Error("invalid", fullUrl, $"The fullUrl '{url}' is not absolute: expected a URL (http://server/fhir/Type/id) or urn:uuid:/urn:oid:.");
                continue;
            }
            if (url.StartsWith("urn:uuid:", StringComparison.Ordinal) || url.StartsWith("urn:oid:", StringComparison.Ordinal))
            {
                if (walker.Plans.Formats.Get(url[4] == 'u' ? "uuid" : "oid").Check(url) is { } bad)
                    walker.Error("invalid", fullUrl, "The fullUrl " + bad);
                continue;
            }
            if (resource?.Child("id")?.Value is { } id
                && ReferenceText.TryRestful(url, walker.Definitions, out var type, out var urlId)
                && (type != resource.TypeName || urlId != id))
                walker.Error("invalid", fullUrl, $"The fullUrl '{url}' does not match the entry's resource {resource.TypeName}/{id}.");
        }
    }
}
