using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.FhirPath;

/// <summary>
/// A type named in <c>is</c>, <c>as</c> or <c>ofType()</c>: "FHIR.Patient", "System.Boolean" or an unqualified name,
/// which means the FHIR type if there is one, else the System type. FHIR types follow the definitions' hierarchy.
/// </summary>
internal sealed class TypeSpecifier
{
    private static readonly HashSet<string> SystemTypes = ["Boolean", "Integer", "Decimal", "String", "Date", "DateTime", "Time", "Quantity", "Any"];

    public string? Namespace { get; }
    public string Name { get; }

    private TypeSpecifier(string? ns, string name) { Namespace = ns; Name = name; }

    // whether a FHIR type other than this one matches it, by type name: walking the definitions' hierarchy costs several
    // lookups, and descendants().as(canonical) in dom-3 asks it for every element of a resource
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string TypeName, bool Exact), bool> _ancestorOf = new();

    public static TypeSpecifier Parse(string text, int position)
    {
        var dot = text.IndexOf('.');
        var ns = dot < 0 ? null : text[..dot];
        var name = dot < 0 ? text : text[(dot + 1)..];
        if (ns is not null and not ("System" or "FHIR"))
            throw new FhirPathSyntaxException(position, "a type in the System or FHIR namespace", $"'{text}'");
        var known = ns switch
        {
            "FHIR" => FhirDefinitions.R4.IsKnownType(name),
            // an unknown System type is simply never matched (System.Patient)
            "System" => true,
            _ => FhirDefinitions.R4.IsKnownType(name) || SystemTypes.Contains(name),
        };
        if (!known) throw new FhirPathSyntaxException(position, "a known type name", $"'{text}'");
        return new TypeSpecifier(ns, name);
    }

    /// <summary>
    /// Does the item have this type? <paramref name="exact"/> (as, ofType) still lets a resource or complex type match its
    /// ancestors, but a primitive only its own type: a code is not "as string" although it "is string".
    /// </summary>
    // The answers by type name instance: a parsed tree's type names are the definitions' own strings, so
    // descendants().as(canonical) over a whole resource (dom-3) looks them up without hashing the names.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _exactByInstance = new(ReferenceEqualityComparer.Instance);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _looseByInstance = new(ReferenceEqualityComparer.Instance);
    private int _instances;
    private const int MaxInstances = 1024;

    public bool Matches(object item, bool exact)
    {
        if (item is ElementNode node)
        {
            if (Namespace == "System") return false;
            if (node.TypeName == Name) return true;
            var byInstance = exact ? _exactByInstance : _looseByInstance;
            if (byInstance.TryGetValue(node.TypeName, out var matches)) return matches;
            if (!_ancestorOf.TryGetValue((node.TypeName, exact), out matches))
            {
                matches = !(exact && FhirDefinitions.R4.IsPrimitiveType(node.TypeName))
                    && FhirDefinitions.R4.IsKnownType(Name) && FhirDefinitions.R4.IsSubtypeOf(node.TypeName, Name);
                _ancestorOf.TryAdd((node.TypeName, exact), matches);
            }
            // bounded: nodes built outside the parser may bring a new string instance each time
            if (_instances < MaxInstances && byInstance.TryAdd(node.TypeName, matches)) Interlocked.Increment(ref _instances);
            return matches;
        }
        if (Namespace == "FHIR") return false;
        return Name == "Any" || FhirPathValues.TypeNameOf(item) == Name;
    }

    public static FhirPathTypeInfo TypeOf(object item) => item is ElementNode node
        ? new FhirPathTypeInfo("FHIR", node.TypeName)
        : new FhirPathTypeInfo("System", FhirPathValues.TypeNameOf(item));
}
