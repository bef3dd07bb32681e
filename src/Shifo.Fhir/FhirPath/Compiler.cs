using Shifo.Fhir.FhirPath.Functions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.FhirPath;

/// <summary>Turns the parsed tree into nested delegates once; evaluating then runs no tree walk or name lookup.</summary>
internal static class Compiler
{
    public static Eval Compile(Node node)
    {
        var eval = CompileNode(node);
        return FocusIndependence.IsWorthMemoizing(node) ? Memoized(eval, FocusIndependence.KeyOf(node)) : eval;
    }

    private static Eval CompileNode(Node node)
    {
        switch (node)
        {
            case LiteralNode { Value: null }:
                return static (_, _) => Collections.Empty;
            case LiteralNode lit:
            {
                var constant = Collections.Single(lit.Value!);
                return (_, _) => constant;
            }
            case MemberNode m:
            {
                var nav = new Navigator(m.Name, m.Target is null);
                if (m.Target is null) return (s, input) => nav.Navigate(s, input);
                var target = Compile(m.Target);
                return (s, input) => nav.Navigate(s, target(s, input));
            }
            case ThisNode t:
                return t.Name switch
                {
                    "$this" => static (s, _) => s.This is null ? Collections.Empty : Collections.Single(s.This),
                    "$index" => static (s, _) => Collections.Integer(s.Index),
                    _ => static (s, _) => s.Total,
                };
            case ExternalNode e:
                return CompileExternal(e);
            case IndexerNode ix:
            {
                var target = Compile(ix.Target);
                var index = Compile(ix.Index);
                return (s, input) =>
                {
                    var items = target(s, input);
                    var i = Collections.SingleOrNone(index(s, input), "the indexer");
                    if (i is null) return Collections.Empty;
                    if (FhirPathValues.Normalize(i) is not long n) throw new FhirPathEvaluationException("An index must be an Integer.");
                    return n >= 0 && n < items.Count ? Collections.Single(items[(int)n]) : Collections.Empty;
                };
            }
            case UnaryNode u:
            {
                var operand = Compile(u.Operand);
                return (s, input) => Arithmetic.Negate(operand(s, input));
            }
            case BinaryNode b:
            {
                var left = Compile(b.Left);
                var right = Compile(b.Right);
                if (b.Operator is "and" or "or" or "xor" or "implies") return Operators.Logic(b.Operator, left, right);
                var op = Operators.Binary(b.Operator);
                return (s, input) => op(left(s, input), right(s, input));
            }
            case TypeNode t:
            {
                var operand = Compile(t.Operand);
                var type = TypeSpecifier.Parse(t.TypeName, t.Position);
                return t.Operator == "is"
                    ? (s, input) => TypeFunctions.Is(operand(s, input), type)
                    : (s, input) => TypeFunctions.As(operand(s, input), type);
            }
            case CallNode c:
                return CompileCall(c);
            default:
                throw new InvalidOperationException("unknown node " + node.GetType().Name);
        }
    }

    private static Eval CompileCall(CallNode c)
    {
        Eval? target = c.Target is null ? null : Compile(c.Target);
        Eval body;
        if (c.Name is "is" or "as" or "ofType")
        {
            if (c.Arguments.Count != 1) throw new FhirPathSyntaxException(c.Position, $"one type argument for {c.Name}()", $"{c.Arguments.Count} arguments");
            var type = TypeSpecifier.Parse(TypeName(c.Arguments[0]), c.Arguments[0].Position);
            body = c.Name switch
            {
                "is" => (_, focus) => TypeFunctions.Is(focus, type),
                "as" => (_, focus) => TypeFunctions.AsFunction(focus, type),
                _ => (_, focus) => TypeFunctions.OfType(focus, type),
            };
            // body takes the focus as its input; the call's own input only matters for arguments
            if (target is null) return body;
            return (s, input) => body(s, target(s, input));
        }
        if (c.Name == "sort")
        {
            // sort(-key) sorts descending: for strings too, so the minus is read here rather than evaluated
            var keys = c.Arguments.Select(a => a is UnaryNode { Operator: "-" } u ? (Compile(u.Operand), true) : (Compile(a), false)).ToArray();
            if (target is null) return (s, input) => UtilityFunctions.Sort(s, input, keys);
            return (s, input) => UtilityFunctions.Sort(s, target(s, input), keys);
        }
        var def = FunctionTable.Find(c.Name)
            ?? throw new FhirPathSyntaxException(c.Position, "a known function name", $"'{c.Name}'");
        if (c.Arguments.Count < def.MinArgs || c.Arguments.Count > def.MaxArgs)
            throw new FhirPathSyntaxException(c.Position,
                def.MinArgs == def.MaxArgs ? $"{def.MinArgs} argument(s) for {c.Name}()" : $"{def.MinArgs} to {def.MaxArgs} arguments for {c.Name}()",
                $"{c.Arguments.Count}");
        var args = c.Arguments.Select(a => Compile(a)).ToArray();
        var fn = def.Body;
        if (target is null) return (s, input) => fn(s, input, args, input);
        return (s, input) => fn(s, target(s, input), args, input);
    }

    /// <summary>
    /// A subexpression that does not depend on the focus, $this, $index or $total gives the same result every time it
    /// is evaluated within one evaluation, so it is computed once. The key is shared by every occurrence of the same
    /// subexpression: dom-3 reads <c>%resource.descendants()</c> four times, and again per contained resource inside
    /// a where(), which made it the validator's most expensive invariant.
    /// </summary>
    private static Eval Memoized(Eval inner, string key)
    {
        // the text is numbered once here, so that an evaluation looks results up by a number, not by hashing the text
        var id = MemoIds.GetOrAdd(key, _ => Interlocked.Increment(ref _lastMemoId));
        return (s, input) =>
        {
            var memo = s.Memo ??= new Dictionary<int, IReadOnlyList<object>>();
            if (memo.TryGetValue(id, out var known)) return known;
            var result = inner(s, input);
            memo[id] = result;
            return result;
        };
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> MemoIds = new(StringComparer.Ordinal);
    private static int _lastMemoId;

    /// <summary>The type name written as a function argument: <c>Quantity</c>, <c>FHIR.Patient</c>, <c>System.`Boolean`</c>.</summary>
    private static string TypeName(Node n) => n switch
    {
        MemberNode { Target: null } m => m.Name,
        MemberNode { Target: MemberNode { Target: null } ns } m => ns.Name + "." + m.Name,
        _ => throw new FhirPathSyntaxException(n.Position, "a type name", "an expression"),
    };

    private static Eval CompileExternal(ExternalNode e)
    {
        IReadOnlyList<object>? constant = e.Name switch
        {
            "ucum" => Collections.Single("http://unitsofmeasure.org"),
            "sct" => Collections.Single("http://snomed.info/sct"),
            "loinc" => Collections.Single("http://loinc.org"),
            _ when e.Name.StartsWith("vs-", StringComparison.Ordinal) => Collections.Single("http://hl7.org/fhir/ValueSet/" + e.Name[3..]),
            _ when e.Name.StartsWith("ext-", StringComparison.Ordinal) => Collections.Single("http://hl7.org/fhir/StructureDefinition/" + e.Name[4..]),
            _ => null,
        };
        if (constant is not null) return (_, _) => constant;
        var name = e.Name;
        return name switch
        {
            "resource" => static (s, _) => Collections.Of(s.Resource),
            "rootResource" => static (s, _) => Collections.Of(s.RootResource),
            "context" => static (s, _) => Collections.Of(s.Context),
            _ => (s, _) =>
            {
                if (s.Environment is { } env && env.Variables.TryGetValue(name, out var value))
                {
                    return value switch
                    {
                        null => Collections.Empty,
                        IReadOnlyList<object> list => list,
                        ElementNode node => Collections.Single(node),
                        _ => Collections.Single(value),
                    };
                }
                throw new FhirPathEvaluationException($"Unknown environment variable '%{name}'.");
            },
        };
    }
}
