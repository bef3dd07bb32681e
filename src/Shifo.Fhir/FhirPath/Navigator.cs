using System.Collections.Concurrent;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.FhirPath;

/// <summary>
/// One compiled path step (<c>name</c>): the children of that name of every input item. First in a path, a type
/// name selects the focus itself (<c>Patient.name</c>). With <see cref="EvaluationContext.StrictNames"/>, a name that no
/// item's type defines is an error, so typos such as <c>name.given1</c> do not silently yield empty.
/// </summary>
internal sealed class Navigator
{
    private readonly string _name;
    private readonly bool _first;
    private readonly bool _mayBeType;
    // the last definition the name was found valid on, so the check costs nothing on repeated evaluation
    private ElementInfo? _validOn;

    private static readonly ConcurrentDictionary<(ElementInfo, string), HashSet<string>> NamesByElement = new();

    public Navigator(string name, bool first)
    {
        _name = name;
        _first = first;
        _mayBeType = name.Length > 0 && char.IsAsciiLetterUpper(name[0]) && FhirDefinitions.R4.IsKnownType(name);
    }

    public IReadOnlyList<object> Navigate(Scope scope, IReadOnlyList<object> input)
    {
        if (input.Count == 0) return Collections.Empty;
        if (input.Count == 1 && input[0] is ElementNode single)
        {
            if (_first && _mayBeType && IsOfType(single)) return input;
            if (single.IndexedChildren(_name) is { } indexed)
            {
                if (indexed.Count == 0 && scope.StrictNames) Check(input);
                return indexed.Count == 0 ? Collections.Empty : indexed;
            }
            var children = single.ChildList;
            ElementNode? found = null;
            List<object>? many = null;
            for (var i = 0; i < children.Count; i++)
            {
                var c = children[i];
                if (!string.Equals(c.Name, _name, StringComparison.Ordinal)) continue;
                if (found is null) found = c;
                else (many ??= [found]).Add(c);
            }
            if (many is not null) return many;
            if (found is not null) return new object[] { found };
            if (scope.StrictNames) Check(input);
            return Collections.Empty;
        }
        var result = new List<object>();
        foreach (var item in input)
        {
            switch (item)
            {
                case ElementNode node when _first && _mayBeType && IsOfType(node):
                    result.Add(node);
                    break;
                case ElementNode node when node.IndexedChildren(_name) is { } indexed:
                    result.AddRange(indexed);
                    break;
                case ElementNode node:
                    foreach (var c in node.ChildList)
                        if (string.Equals(c.Name, _name, StringComparison.Ordinal)) result.Add(c);
                    break;
                case FhirPathTypeInfo type:
                    if (_name == "name") result.Add(type.Name);
                    else if (_name == "namespace") result.Add(type.Namespace);
                    break;
            }
        }
        if (result.Count == 0 && scope.StrictNames) Check(input);
        return result;
    }

    private bool IsOfType(ElementNode node) =>
        node.TypeName == _name || (node.IsResource && FhirDefinitions.R4.IsSubtypeOf(node.TypeName, _name));

    private void Check(IReadOnlyList<object> input)
    {
        if (_mayBeType) return;
        var sawTyped = false;
        foreach (var item in input)
        {
            if (item is not ElementNode node) return;
            var def = node.Definition;
            // unknown content and primitives are not checked: only complex types name their children
            if (def is null || node.Value is not null || FhirDefinitions.R4.IsPrimitiveType(node.TypeName)) return;
            if (ReferenceEquals(def, _validOn) && def.Types.Count <= 1) return;
            if (NamesOf(def, node.TypeName).Contains(_name))
            {
                _validOn = def;
                return;
            }
            sawTyped = true;
        }
        if (sawTyped)
        {
            var types = string.Join(", ", input.OfType<ElementNode>().Select(n => n.TypeName).Distinct());
            throw new FhirPathEvaluationException($"'{_name}' is not an element of {types}.");
        }
    }

    private static HashSet<string> NamesOf(ElementInfo def, string type) =>
        NamesByElement.GetOrAdd((def, type), static key =>
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var slot in FhirDefinitions.R4.ChildrenOf(key.Item1, key.Item2).Values) names.Add(slot.Element.Name);
            return names;
        });
}
