using System.Text;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.Validation;

/// <summary>
/// Required bindings against the package's expanded value sets: a code must be in the set, a Coding's
/// system and code must be, and a CodeableConcept needs at least one such Coding. Value sets the package
/// cannot expand (SNOMED CT, LOINC, ...) never get here (see <see cref="PlanCache"/>).
/// </summary>
internal static class BindingRules
{
    public static void Check(ElementNode node, BindingTarget target, ValueSetExpansion vs, ValidationWalker walker)
    {
        switch (target)
        {
            case BindingTarget.Code:
                if (node.Value is { } code && !vs.Contains(null, code))
                    walker.Error("code-invalid", node, $"The code '{code}' is not in the required value set {vs.Url}{Allowed(vs)}.");
                break;
            case BindingTarget.Coding:
                if (!CodingMatches(node, vs, out var system, out var c) && c is not null)
                    walker.Error("code-invalid", node, $"The coding {Describe(system, c)} is not in the required value set {vs.Url}{Allowed(vs)}.");
                break;
            case BindingTarget.CodeableConcept:
                var anyCode = false;
                foreach (var coding in node.ChildList)
                {
                    if (coding.Name != "coding") continue;
                    if (CodingMatches(coding, vs, out _, out var cc)) return;
                    anyCode |= cc is not null;
                }
                if (anyCode)
                    walker.Error("code-invalid", node, $"None of the codings is in the required value set {vs.Url}{Allowed(vs)}.");
                break;
        }
    }

    /// <summary>True when the Coding's code (and system, if given) is in the value set; false also when it has no code.</summary>
    private static bool CodingMatches(ElementNode coding, ValueSetExpansion vs, out string? system, out string? code)
    {
        system = null;
        code = null;
        foreach (var c in coding.ChildList)
        {
            if (c.Name == "system") system = c.Value;
            else if (c.Name == "code") code = c.Value;
        }
        return code is not null && vs.Contains(system, code);
    }

    private static string Describe(string? system, string code) => system is null ? $"'{code}' (no system)" : $"{system}#{code}";

    /// <summary>A short list of what is allowed, when the value set is small enough to name.</summary>
    private static string Allowed(ValueSetExpansion vs)
    {
        var sb = new StringBuilder();
        var n = 0;
        foreach (var (_, code) in vs.Codes)
        {
            if (++n > 12) return "";
            sb.Append(n == 1 ? "" : ", ").Append(code);
        }
        return n == 0 ? "" : $" (allowed: {sb})";
    }
}
