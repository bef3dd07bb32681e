namespace Shifo.Fhir.FhirPath;

/// <summary>
/// Static analysis for the validator's invariant precheck: the child names through which alone an expression
/// reaches its input. When a node has none of those children, every path from the focus is empty, so the
/// result is the same for every such node and can be computed once (<c>dataAbsentReason.empty() or value.empty()</c>
/// on an Observation with neither).
/// </summary>
internal static class FocusNames
{
    /// <summary>
    /// The names, or null when the expression may read the focus or the resource some other way: <c>$this</c>, a
    /// function called on the focus (<c>hasValue()</c>, <c>children()</c>), a type name that may select the focus
    /// (<c>Patient.name</c>), or <c>%resource</c>/<c>%context</c>.
    /// </summary>
    public static string[]? Of(Node root)
    {
        var names = new List<string>();
        return Collect(root, names) ? [.. names.Distinct(StringComparer.Ordinal)] : null;
    }

    // Conservative: names inside function arguments count as read from the focus too, whether the function
    // evaluates them per item (where, all) or against its input; that only makes the precheck apply less often.
    private static bool Collect(Node node, List<string> names)
    {
        switch (node)
        {
            case LiteralNode:
                return true;
            case MemberNode { Target: null } m:
                // first in a path, a type name selects the focus itself when the type matches
                if (m.Name.Length > 0 && char.IsUpper(m.Name[0])) return false;
                names.Add(m.Name);
                return true;
            case MemberNode m:
                return Collect(m.Target!, names);
            case ThisNode t:
                return t.Name != "$this";
            case ExternalNode e:
                // constants only: %ucum, %sct, %loinc, %vs-*, %ext-*
                return e.Name is "ucum" or "sct" or "loinc" || e.Name.StartsWith("vs-", StringComparison.Ordinal)
                    || e.Name.StartsWith("ext-", StringComparison.Ordinal);
            case IndexerNode ix:
                return Collect(ix.Target, names) && Collect(ix.Index, names);
            case UnaryNode u:
                return Collect(u.Operand, names);
            case BinaryNode b:
                return Collect(b.Left, names) && Collect(b.Right, names);
            case TypeNode t:
                return Collect(t.Operand, names);
            case CallNode c:
                // on the focus, a function reads the node itself; iif only passes it on to its arguments
                if (c.Target is null && c.Name != "iif") return false;
                if (c.Target is not null && !Collect(c.Target, names)) return false;
                if (c.Name is "is" or "as" or "ofType") return true; // the argument is a type name, not a path
                foreach (var a in c.Arguments)
                    if (!Collect(a, names)) return false;
                return true;
            default:
                return false;
        }
    }
}
