using System.Text.RegularExpressions;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.FhirPath.Functions;

/// <summary>FHIR's additions: extension, hasValue, getValue, resolve, htmlChecks, memberOf, conformsTo, subsumes, subsumedBy.</summary>
internal static partial class FhirFunctions
{
    public static void Register(Registrar add)
    {
        add("extension", 1, 1, static (s, focus, args, input) =>
        {
            var url = Args.String(s, args, 0, input, "extension");
            if (url is null || focus.Count == 0) return Collections.Empty;
            List<object>? result = null;
            foreach (var item in focus)
            {
                if (item is not ElementNode node) continue;
                foreach (var c in node.ChildList)
                    if (c.Name == "extension" && c.Child("url")?.Value == url) (result ??= []).Add(c);
            }
            return result ?? Collections.Empty;
        });
        add("hasValue", 0, 0, static (_, focus, _, _) =>
            Collections.Bool(focus.Count == 1 && (focus[0] is ElementNode n ? n.Value is not null : focus[0] is not FhirPathTypeInfo)));
        add("getValue", 0, 0, static (_, focus, _, _) =>
            focus.Count == 1 && focus[0] is ElementNode { Value: not null } n ? Collections.Of(FhirPathValues.ToSystemValue(n)) : Collections.Empty);
        add("resolve", 0, 0, static (s, focus, _, _) =>
        {
            List<object>? result = null;
            foreach (var item in focus)
            {
                var (reference, from) = item switch
                {
                    ElementNode { Value: { } v } n => (v, n),
                    ElementNode n => (n.Child("reference")?.Value, n),
                    string text => (text, null),
                    _ => (null, null),
                };
                if (reference is null) continue;
                if (References.Resolve(reference, from ?? s.Context, s.Environment?.Resolver) is { } target) (result ??= []).Add(target);
            }
            return result ?? Collections.Empty;
        });
        add("htmlChecks", 0, 0, static (_, focus, _, _) =>
        {
            var item = Collections.SingleOrNone(focus, "htmlChecks()");
            if (item is null) return Collections.Empty;
            if (item is ElementNode { HasValue: true } node) return Collections.Bool(XhtmlSafety.IsSafe(node));
            return Collections.Bool(FhirPathValues.ToStringValue(item) is { } html && XhtmlSafety.IsSafe(html));
        });
        add("memberOf", 1, 1, static (s, focus, args, input) =>
        {
            var item = Collections.SingleOrNone(focus, "memberOf()");
            var url = Args.String(s, args, 0, input, "memberOf");
            if (item is null || url is null) return Collections.Empty;
            var vs = FhirDefinitions.R4.GetValueSet(url);
            if (vs is null || !vs.IsExpandable) return Collections.Empty;
            var codings = Codings(item).ToList();
            if (codings.Count == 0) return Collections.Empty;
            return Collections.Bool(codings.Any(c => vs.Contains(c.System, c.Code)));
        });
        add("conformsTo", 1, 1, static (s, focus, args, input) =>
        {
            var item = Collections.SingleOrNone(focus, "conformsTo()");
            var url = Args.String(s, args, 0, input, "conformsTo");
            if (item is null || url is null) return Collections.Empty;
            var sd = FhirDefinitions.R4.GetByUrl(url) ?? throw new FhirPathEvaluationException($"conformsTo(): unknown profile '{url}'.");
            if (item is not ElementNode node) return Collections.False;
            if (!FhirDefinitions.R4.IsSubtypeOf(node.TypeName, sd.Type)) return Collections.False;
            // a base definition is answered by the type; a constraining profile would need the validator
            return sd.IsConstraint ? Collections.Empty : Collections.True;
        });
        add("subsumes", 1, 1, static (s, focus, args, input) => Subsumption(s, focus, args, input, reverse: false));
        add("subsumedBy", 1, 1, static (s, focus, args, input) => Subsumption(s, focus, args, input, reverse: true));
    }

    private static IReadOnlyList<object> Subsumption(Scope s, IReadOnlyList<object> focus, Eval[] args, IReadOnlyList<object> input, bool reverse)
    {
        var item = Collections.SingleOrNone(focus, "subsumes()");
        var other = Collections.SingleOrNone(args[0](s, input), "subsumes()");
        if (item is null || other is null) return Collections.Empty;
        var a = Codings(item).FirstOrDefault();
        var b = Codings(other).FirstOrDefault();
        if (a.Code is null || b.Code is null || a.System is null || a.System != b.System) return Collections.Empty;
        if (FhirDefinitions.R4.GetCodeSystem(a.System) is not { } cs) return Collections.Empty;
        return Collections.Bool(reverse ? cs.Subsumes(b.Code, a.Code) : cs.Subsumes(a.Code, b.Code));
    }

    /// <summary>The (system, code) pairs of a code, Coding or CodeableConcept; a bare code has no system.</summary>
    private static IEnumerable<(string? System, string Code)> Codings(object item)
    {
        if (item is string code) { yield return (null, code); yield break; }
        if (item is not ElementNode node) yield break;
        if (node.Value is { } v) { yield return (null, v); yield break; }
        if (node.Child("code")?.Value is { } c) { yield return (node.Child("system")?.Value, c); yield break; }
        foreach (var coding in node.ChildrenNamed("coding"))
            if (coding.Child("code")?.Value is { } cc) yield return (coding.Child("system")?.Value, cc);
    }
}
