namespace Shifo.Fhir.FhirPath;

/// <summary>
/// Static analysis for the compiler's memoization: whether a subexpression's result cannot depend on the input,
/// $this, $index, $total or %context, so that it is the same each time it is evaluated within one evaluation
/// (%resource, %rootResource and the other environment variables are fixed for an evaluation).
/// </summary>
internal static class FocusIndependence
{
    // functions that read more than their arguments and target (resolve() falls back to %context), have a side
    // effect (trace) or read the clock
    private static readonly HashSet<string> Impure = new(StringComparer.Ordinal) { "resolve", "trace", "now", "today", "timeOfDay" };

    /// <summary>True when the node is focus-independent and calls a function, so that caching it saves real work.</summary>
    public static bool IsWorthMemoizing(Node node) => node is CallNode or BinaryNode or MemberNode or IndexerNode or TypeNode
        && CallsFunction(node) && IsIndependent(node);

    private static bool IsIndependent(Node node) => node switch
    {
        LiteralNode => true,
        ExternalNode e => e.Name != "context",
        ThisNode => false,
        MemberNode m => m.Target is not null && IsIndependent(m.Target),
        IndexerNode ix => IsIndependent(ix.Target) && IsIndependent(ix.Index),
        UnaryNode u => IsIndependent(u.Operand),
        BinaryNode b => IsIndependent(b.Left) && IsIndependent(b.Right),
        TypeNode t => IsIndependent(t.Operand),
        // without a target a function works on the input
        // the argument of is/as/ofType is a type name, not a path
        CallNode c => c.Target is not null && !Impure.Contains(c.Name) && IsIndependent(c.Target)
            && (c.Name is "is" or "as" or "ofType" || AllIndependent(c.Arguments)),
        _ => false,
    };

    /// <summary>
    /// The memo key of a subexpression: its structure as text (positions ignored), equal for every occurrence of the
    /// same subexpression. Not interned anywhere, so that compiling untrusted expressions keeps nothing alive.
    /// </summary>
    public static string KeyOf(Node node)
    {
        var text = new System.Text.StringBuilder();
        Write(node, text);
        return text.ToString();
    }

    private static long _unique;

    private static void Write(Node node, System.Text.StringBuilder sb)
    {
        switch (node)
        {
            case LiteralNode l:
                // the value's type matters too (1 and '1' differ); other literals (dates, quantities) are never shared
                sb.Append(l.Value switch
                {
                    null => "{}",
                    string v => "'" + v.Replace("\\", "\\\\").Replace("'", "\\'") + "'",
                    long v => "int:" + v.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    decimal v => "dec:" + v.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    bool v => v ? "true" : "false",
                    _ => "literal#" + Interlocked.Increment(ref _unique),
                });
                break;
            case ExternalNode e: sb.Append("%(").Append(e.Name).Append(')'); break;
            case ThisNode t: sb.Append(t.Name); break;
            case MemberNode m:
                if (m.Target is not null) { Write(m.Target, sb); sb.Append('.'); }
                sb.Append('`').Append(m.Name).Append('`');
                break;
            case IndexerNode ix: Write(ix.Target, sb); sb.Append('['); Write(ix.Index, sb); sb.Append(']'); break;
            case UnaryNode u: sb.Append(u.Operator).Append('('); Write(u.Operand, sb); sb.Append(')'); break;
            case BinaryNode b: sb.Append('('); Write(b.Left, sb); sb.Append(' ').Append(b.Operator).Append(' '); Write(b.Right, sb); sb.Append(')'); break;
            case TypeNode t: sb.Append('('); Write(t.Operand, sb); sb.Append(' ').Append(t.Operator).Append(' ').Append(t.TypeName).Append(')'); break;
            case CallNode c:
                if (c.Target is not null) { Write(c.Target, sb); sb.Append('.'); }
                sb.Append(c.Name).Append('(');
                for (var i = 0; i < c.Arguments.Count; i++) { if (i > 0) sb.Append(", "); Write(c.Arguments[i], sb); }
                sb.Append(')');
                break;
            default: throw new InvalidOperationException("unknown node " + node.GetType().Name);
        }
    }

    private static bool AllIndependent(IReadOnlyList<Node> nodes)
    {
        foreach (var n in nodes)
            if (!IsIndependent(n)) return false;
        return true;
    }

    private static bool CallsFunction(Node node) => node switch
    {
        CallNode => true,
        MemberNode m => m.Target is not null && CallsFunction(m.Target),
        IndexerNode ix => CallsFunction(ix.Target) || CallsFunction(ix.Index),
        UnaryNode u => CallsFunction(u.Operand),
        BinaryNode b => CallsFunction(b.Left) || CallsFunction(b.Right),
        TypeNode t => CallsFunction(t.Operand),
        _ => false,
    };
}
