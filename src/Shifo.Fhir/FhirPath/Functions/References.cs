using Shifo.Fhir.Model;

namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>resolve(): references to contained resources (#id), to entries of the enclosing Bundle (by fullUrl or type/id), then the caller's resolver.</summary>
internal static class References
{
    public static ElementNode? Resolve(string reference, ElementNode? from, Func<string, ElementNode?>? resolver)
    {
        if (from is not null)
        {
            if (reference.StartsWith('#')) return ResolveContained(reference[1..], from);
            if (ResolveInBundle(reference, from) is { } hit) return hit;
        }
        return resolver?.Invoke(reference);
    }

    private static ElementNode? ResolveContained(string id, ElementNode from)
    {
        // the container is the outermost resource that is not itself contained
        ElementNode? container = null;
        for (var n = from; n is not null; n = n.Parent)
        {
            if (!n.IsResource) continue;
            container = n;
            if (n.Name != "contained") break;
        }
        if (container is null) return null;
        if (id.Length == 0) return container;
        foreach (var c in container.ChildrenNamed("contained"))
            if (c.Child("id")?.Value == id) return c;
        return null;
    }

    private static ElementNode? ResolveInBundle(string reference, ElementNode from)
    {
        for (var n = from.Parent; n is not null; n = n.Parent)
        {
            if (!(n.IsResource && n.TypeName == "Bundle")) continue;
            foreach (var entry in n.ChildrenNamed("entry"))
            {
                var resource = entry.Child("resource");
                if (resource is null) continue;
                var fullUrl = entry.Child("fullUrl")?.Value;
                if (fullUrl is not null && (fullUrl == reference || fullUrl.EndsWith("/" + reference, StringComparison.Ordinal))) return resource;
                if (resource.TypeName + "/" + resource.Child("id")?.Value == StripHistory(reference)) return resource;
            }
        }
        return null;
    }

    private static string StripHistory(string reference)
    {
        var i = reference.IndexOf("/_history/", StringComparison.Ordinal);
        return i < 0 ? reference : reference[..i];
    }
}
