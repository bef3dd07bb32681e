using Shifo.Fhir.FhirPath;
using Shifo.Fhir.FhirPath.Functions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.Validation;

/// <summary>
/// Invariants made of plain logic over the focus's children, compiled to C# from their parsed FHIRPath: <c>and</c>,
/// <c>or</c>, <c>implies</c> and <c>not()</c> over <c>exists()</c>, <c>empty()</c>, <c>all(…)</c>, <c>=</c> and
/// <c>!=</c> against a literal or another path, and <c>startsWith</c>, <c>contains</c> and <c>matches</c> with a literal
/// (qty-3, dom-6, eld-16, eld-20, sdf-0, vsd-9, sdf-11, sdf-19, eld-12, bdl-8 and many more). A path is lower-case child
/// names, with at most one <c>first()</c>. Anything else in the expression leaves it to the engine; a value these
/// rules cannot read plainly (several where one is compared, a primitive without a value, a value that is not a
/// String or Boolean) makes the answer Unknown, so that the engine decides it.
/// </summary>
internal static class NativeLogic
{
    private delegate NativeAnswer Term(ElementNode focus);

    public static NativeCheck? Compile(string expression)
    {
        Node tree;
        try { tree = Parser.Parse(expression); }
        catch (FhirPathException) { return null; }
        var term = Boolean(tree);
        return term is null ? null : (n, _) => term(n);
    }

    private static Term? Boolean(Node node)
    {
        switch (node)
        {
            case BinaryNode { Operator: "and" or "or" or "implies" } b:
            {
                if (Boolean(b.Left) is not { } left || Boolean(b.Right) is not { } right) return null;
                return b.Operator switch
                {
                    "and" => n => And(left(n), right, n),
                    "or" => n => Or(left(n), right, n),
                    _ => n => Implies(left(n), right, n),
                };
            }
            case BinaryNode { Operator: "=" or "!=" } b:
            {
                if (ChildPath.Of(b.Left) is not { } path) return null;
                var negate = b.Operator == "!=";
                if (b.Right is LiteralNode { Value: string or bool } literal)
                {
                    var expected = literal.Value!;
                    return n => Negate(path.Single(n, out var item) is var found && found != Found.One ? Missing(found)
                        : ValueOf(item!) is { } v && v.GetType() == expected.GetType() ? Answer(v.Equals(expected)) : NativeAnswer.Unknown, negate);
                }
                if (ChildPath.Of(b.Right) is not { } other) return null;
                return n =>
                {
                    var a = path.Single(n, out var x);
                    var c = other.Single(n, out var y);
                    if (a == Found.Many || c == Found.Many) return NativeAnswer.Unknown;
                    if (a == Found.None || c == Found.None) return NativeAnswer.Empty;
                    return ValueOf(x!) is string s && ValueOf(y!) is string t ? Negate(Answer(s == t), negate) : NativeAnswer.Unknown;
                };
            }
            case CallNode { Name: "not", Arguments.Count: 0, Target: { } target }:
                return Boolean(target) is { } inner ? n => Negate(inner(n), true) : null;
            case CallNode { Name: "exists" or "empty", Arguments.Count: 0, Target: { } target } call:
            {
                if (ChildPath.Of(target) is not { } path) return null;
                var present = call.Name == "exists";
                return n => Answer(path.Exists(n) == present);
            }
            case CallNode { Name: "all", Arguments: [var criteria], Target: { } target }:
            {
                if (ChildPath.Of(target) is not { } path || path.HasFirst || Boolean(criteria) is not { } each) return null;
                return n => path.All(n, each);
            }
            case CallNode { Name: "startsWith" or "contains" or "matches", Arguments: [LiteralNode { Value: string argument }] } call:
            {
                // without a target the function reads the focus itself (an item of all())
                var path = call.Target is null ? null : ChildPath.Of(call.Target);
                if (call.Target is not null && path is null) return null;
                Func<string, bool> test = call.Name switch
                {
                    "startsWith" => s => s.StartsWith(argument, StringComparison.Ordinal),
                    "contains" => s => s.Contains(argument, StringComparison.Ordinal),
                    _ => s => StringFunctions.CachedRegex(argument, full: false).IsMatch(s),
                };
                return n =>
                {
                    var item = n;
                    if (path is not null && path.Single(n, out item) is var found && found != Found.One) return Missing(found);
                    return ValueOf(item!) is string s ? Answer(test(s)) : NativeAnswer.Unknown;
                };
            }
            default:
                return null;
        }
    }

    // a String or Boolean as the engine reads the primitive; anything else (no value, a date, a number) is the engine's
    private static object? ValueOf(ElementNode node) =>
        node.Value is null ? null : FhirPathValues.Normalize(node) is var v && v is string or bool ? v : null;

    private static NativeAnswer Missing(Found found) => found == Found.None ? NativeAnswer.Empty : NativeAnswer.Unknown;

    private static NativeAnswer Answer(bool b) => b ? NativeAnswer.True : NativeAnswer.False;

    private static NativeAnswer Negate(NativeAnswer a, bool negate) => !negate ? a : a switch
    {
        NativeAnswer.True => NativeAnswer.False,
        NativeAnswer.False => NativeAnswer.True,
        _ => a,
    };

    // FHIRPath's three-valued logic; the right side is evaluated only when it can change the answer
    private static NativeAnswer And(NativeAnswer a, Term right, ElementNode n)
    {
        if (a is NativeAnswer.Unknown or NativeAnswer.False) return a;
        var b = right(n);
        if (b is NativeAnswer.Unknown or NativeAnswer.False) return b;
        return a == NativeAnswer.True && b == NativeAnswer.True ? NativeAnswer.True : NativeAnswer.Empty;
    }

    private static NativeAnswer Or(NativeAnswer a, Term right, ElementNode n)
    {
        if (a is NativeAnswer.Unknown or NativeAnswer.True) return a;
        var b = right(n);
        if (b is NativeAnswer.Unknown or NativeAnswer.True) return b;
        return a == NativeAnswer.False && b == NativeAnswer.False ? NativeAnswer.False : NativeAnswer.Empty;
    }

    private static NativeAnswer Implies(NativeAnswer a, Term right, ElementNode n)
    {
        if (a == NativeAnswer.Unknown) return a;
        if (a == NativeAnswer.False) return NativeAnswer.True;
        var b = right(n);
        if (b is NativeAnswer.Unknown or NativeAnswer.True) return b;
        // true implies false/empty is that; empty implies false/empty is empty
        return a == NativeAnswer.True ? b : NativeAnswer.Empty;
    }

    private enum Found : byte { None, One, Many }

    /// <summary>Child names from the focus, with at most one first() among them (its position in <see cref="_firstAfter"/>).</summary>
    private sealed class ChildPath
    {
        private readonly string[] _names;
        private readonly int _firstAfter; // first() applies to the collection after this many names; -1 when none

        private ChildPath(string[] names, int firstAfter) => (_names, _firstAfter) = (names, firstAfter);

        public bool HasFirst => _firstAfter >= 0;

        public static ChildPath? Of(Node node)
        {
            var names = new List<string>();
            var sawFirst = false;
            for (Node? step = node; step is not null;)
            {
                switch (step)
                {
                    // a capitalised first step could be a type name the engine treats apart
                    case MemberNode member when member.Name.Length > 0 && char.IsAsciiLetterLower(member.Name[0]):
                        names.Insert(0, member.Name);
                        step = member.Target;
                        break;
                    case CallNode { Name: "first", Arguments.Count: 0, Target: not null } first when !sawFirst:
                        sawFirst = true; // marked in place; its position is known once every name before it is
                        names.Insert(0, "\0first");
                        step = first.Target;
                        break;
                    default:
                        return null;
                }
            }
            var at = names.IndexOf("\0first");
            if (at >= 0) names.RemoveAt(at);
            return names.Count == 0 || at == 0 ? null : new ChildPath(names.ToArray(), at);
        }

        public bool Exists(ElementNode n)
        {
            if (_firstAfter < 0) return Has(n, 0, _names.Length);
            return FirstOf(n, 0, _firstAfter) is { } first && (_firstAfter == _names.Length || Has(first, _firstAfter, _names.Length));
        }

        /// <summary>Whether the path ends in exactly one node (then <paramref name="item"/>), none, or several.</summary>
        public Found Single(ElementNode n, out ElementNode? item)
        {
            item = null;
            var from = n;
            var start = 0;
            if (_firstAfter >= 0)
            {
                if (FirstOf(n, 0, _firstAfter) is not { } first) return Found.None;
                if (_firstAfter == _names.Length) { item = first; return Found.One; }
                from = first;
                start = _firstAfter;
            }
            var count = 0;
            CountUpToTwo(from, start, ref count, ref item);
            if (count > 1) item = null;
            return count switch { 0 => Found.None, 1 => Found.One, _ => Found.Many };
        }

        public NativeAnswer All(ElementNode n, Term each)
        {
            var answer = NativeAnswer.True;
            Visit(n, 0, each, ref answer);
            return answer;
        }

        // all(): true for none; false when some item is false or empty; Unknown wins over both
        private void Visit(ElementNode n, int depth, Term each, ref NativeAnswer answer)
        {
            foreach (var c in n.ChildList)
            {
                if (c.Name != _names[depth]) continue;
                if (depth < _names.Length - 1) Visit(c, depth + 1, each, ref answer);
                else
                {
                    var a = each(c);
                    if (a == NativeAnswer.Unknown) answer = a;
                    else if (a != NativeAnswer.True && answer != NativeAnswer.Unknown) answer = NativeAnswer.False;
                }
                if (answer == NativeAnswer.Unknown) return;
            }
        }

        private bool Has(ElementNode n, int depth, int end)
        {
            foreach (var c in n.ChildList)
                if (c.Name == _names[depth] && (depth == end - 1 || Has(c, depth + 1, end))) return true;
            return false;
        }

        // the first node of the collection the names [depth, end) reach: children in order, depth first, as FHIRPath flattens
        private ElementNode? FirstOf(ElementNode n, int depth, int end)
        {
            foreach (var c in n.ChildList)
            {
                if (c.Name != _names[depth]) continue;
                if (depth == end - 1) return c;
                if (FirstOf(c, depth + 1, end) is { } found) return found;
            }
            return null;
        }

        private void CountUpToTwo(ElementNode n, int depth, ref int count, ref ElementNode? item)
        {
            foreach (var c in n.ChildList)
            {
                if (c.Name != _names[depth]) continue;
                if (depth == _names.Length - 1) { item = c; if (++count > 1) return; }
                else
                {
                    CountUpToTwo(c, depth + 1, ref count, ref item);
                    if (count > 1) return;
                }
            }
        }
    }
}
