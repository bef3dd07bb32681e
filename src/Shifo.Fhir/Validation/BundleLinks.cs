using Shifo.Fhir.Model;

namespace Shifo.Fhir.Validation;

/// <summary>
/// The paging links of a Bundle (self, first, previous, next, last: FHIR search, "paging") name one page each,
/// so each may occur only once; and resources returned by a search carry an id.
/// </summary>
internal static class BundleLinks
{
    private static readonly string[] Paging = ["self", "first", "previous", "next", "last"];

    public static void Check(ElementNode bundle, ValidationWalker walker)
    {
        Span<bool> seen = stackalloc bool[Paging.Length];
        foreach (var link in bundle.ChildrenNamed("link"))
        {
            var i = link.Child("relation")?.Value is { } relation ? Array.IndexOf(Paging, relation) : -1;
            if (i < 0) continue;
            if (seen[i]) walker.Error("invalid", link, $"The link relation '{Paging[i]}' may occur only once in a Bundle.");
            seen[i] = true;
        }

        if (bundle.Child("type")?.Value != "searchset") return;
        foreach (var entry in bundle.ChildrenNamed("entry"))
        {
            if (entry.Child("resource") is not { IsResource: true } resource || resource.Child("id") is not null) continue;
            if (entry.Child("search")?.Child("mode")?.Value == "outcome") continue;
            walker.Error("invalid", resource, "Resources in search results must have an id.");
        }
    }
}
