using Shifo.Fhir.Model;

namespace Shifo.Fhir.Validation;

/// <summary>
/// Extensions whose definition the package holds: a simple extension's value must be of an allowed type
/// (and meet its required binding), a complex one must carry no value.
/// </summary>
internal static class ExtensionRules
{
    public static void Check(ElementNode node, ValidationWalker walker)
    {
        string? url = null;
        ElementNode? value = null;
        foreach (var c in node.ChildList)
        {
            if (c.Name == "url") url = c.Value;
            else if (c.Name == "value" && value is null) value = c;
        }
        if (url is null || !url.StartsWith("http", StringComparison.Ordinal)) return;
        var sd = walker.Definitions.GetByUrl(url);
        if (sd is null || sd.Type != "Extension") return;
        var valueElement = sd.FindByPath("Extension.value[x]");
        if (valueElement is null) return;

        if (value is null)
        {
            if (valueElement.Min > 0)
                walker.Error("required", node, $"The extension {url} requires a value ({TypeList(valueElement)}).");
            return;
        }
        if (valueElement.Max == 0)
        {
            walker.Error("structure", value, $"The extension {url} is a complex extension: it takes nested extensions, not a value.");
            return;
        }
        var allowed = false;
        foreach (var t in valueElement.Types)
            if (t.Code == value.TypeName) { allowed = true; break; }
        if (!allowed)
        {
            walker.Error("structure", value, $"The extension {url} does not allow a value of type {value.TypeName}; allowed: {TypeList(valueElement)}.");
            return;
        }
        var plan = walker.Plans.For(valueElement, value.TypeName);
        if (plan.RequiredValueSet is not null) BindingRules.Check(value, plan.BindingTarget, plan.RequiredValueSet, walker);
    }

    private static string TypeList(Definitions.ElementInfo element)
    {
        var names = new string[element.Types.Count];
        for (var i = 0; i < names.Length; i++) names[i] = element.Types[i].Code;
        return string.Join(", ", names);
    }
}
