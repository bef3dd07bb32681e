using Shifo.Fhir.Model;

namespace Shifo.Fhir.Validation;

/// <summary>A Coding's system names a code system by absolute URI; a value set's URL there is a common mistake.</summary>
internal static class CodingRules
{
    public static void Check(ElementNode coding, ValidationWalker walker)
    {
        if (coding.Child("system") is not { Value: { } system } node) return;
        if (!ReferenceText.IsAbsolute(system))
            walker.Error("invalid", node, $"Coding.system '{PrimitiveFormat.Shorten(system)}' must be an absolute URI naming a code system, not a local reference.");
        else if (walker.Definitions.GetCodeSystem(system) is null && walker.Definitions.GetValueSet(system) is not null)
            walker.Error("invalid", node, $"Coding.system '{system}' is a value set, not a code system.");
    }
}
