using Shifo.Fhir.Model;

namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>children() and descendants() over the resource tree.</summary>
internal static class TreeFunctions
{
    public static void Register(Registrar add)
    {
        add("children", 0, 0, static (_, focus, _, _) =>
        {
            if (focus.Count == 1 && focus[0] is ElementNode single) return single.Children.Count == 0 ? Collections.Empty : single.Children;
            var result = new List<object>();
            foreach (var item in focus)
                if (item is ElementNode n) result.AddRange(n.Children);
            return result;
        });
        add("descendants", 0, 0, static (_, focus, _, _) =>
        {
            var result = new List<object>();
            foreach (var item in focus)
                if (item is ElementNode n) AddDescendants(n, result);
            return result;
        });
    }

    private static void AddDescendants(ElementNode node, List<object> result)
    {
        foreach (var c in node.ChildList)
        {
            result.Add(c);
            AddDescendants(c, result);
        }
    }
}
