using Shifo.Fhir.Model;

namespace Shifo.Fhir.Validation;

/// <summary>The entries of a Bundle by fullUrl, to tell the type of resources that references inside it point to.</summary>
internal sealed class BundleIndex
{
    private readonly Dictionary<string, ElementNode> _byFullUrl = new(StringComparer.Ordinal);

    public static BundleIndex? Build(ElementNode bundle)
    {
        BundleIndex? index = null;
        foreach (var entry in bundle.ChildList)
        {
            if (entry.Name != "entry") continue;
            string? fullUrl = null;
            ElementNode? resource = null;
            foreach (var c in entry.ChildList)
            {
                if (c.Name == "fullUrl") fullUrl = c.Value;
                else if (c.Name == "resource" && c.IsResource) resource = c;
            }
            if (fullUrl is null || resource is null) continue;
            index ??= new BundleIndex();
            index._byFullUrl.TryAdd(fullUrl, resource);
        }
        return index;
    }

    public ElementNode? Find(string fullUrl) => _byFullUrl.GetValueOrDefault(fullUrl);
}
