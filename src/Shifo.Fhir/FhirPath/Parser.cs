using System.Globalization;

namespace Shifo.Fhir.FhirPath;

/// <summary>
/// Recursive-descent parser for FHIRPath N1. Precedence, loosest first: implies; or xor; and; in contains;
/// = ~ != !~; &lt; &gt; &lt;= &gt;=; |; is as; + - &amp;; * / div mod; unary + -; then . and [] invocation.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private int _pos;

    private Parser(List<Token> tokens) => _tokens = tokens;

    public static Node Parse(string text)
    {
        var parser = new Parser(Lexer.Tokenize(text));
        var node = parser.ParseExpression();
        var t = parser.Peek;
        if (t.Kind != TokenKind.End) throw new FhirPathSyntaxException(t.Position, "an operator or the end of the expression", t.Describe());
        return node;
    }

    private Token Peek => _tokens[_pos];
    private Token PeekAt(int offset) => _tokens[Math.Min(_pos + offset, _tokens.Count - 1)];
    private Token Next() => _tokens[_pos++];

    private void Expect(string symbol)
    {
        var t = Peek;
        if (!t.Is(symbol)) throw new FhirPathSyntaxException(t.Position, $"'{symbol}'", t.Describe());
        _pos++;
    }

    private Node ParseExpression() => ParseBinary(0);

    private static readonly string[][] Levels =
    [
        ["implies"],
        ["or", "xor"],
        ["and"],
        ["in", "contains"],
        ["=", "~", "!=", "!~"],
        ["<=", "<", ">", ">="],
        ["|"],
        ["is", "as"],
        ["+", "-", "&"],
        ["*", "/", "div", "mod"],
    ];

    private const int TypeLevel = 7;

    private string? OperatorAt(int level)
    {
        var t = Peek;
        if (t.Kind is not (TokenKind.Symbol or TokenKind.Identifier)) return null;
        foreach (var op in Levels[level])
            if (t.Text == op) return op;
        return null;
    }

    private Node ParseBinary(int level)
    {
        if (level == Levels.Length) return ParseUnary();
        var left = ParseBinary(level + 1);
        while (OperatorAt(level) is { } op)
        {
            var position = Next().Position;
            if (level == TypeLevel)
            {
                left = new TypeNode(op, left, ParseTypeSpecifier(), position);
                continue;
            }
            var right = ParseBinary(level + 1);
            left = new BinaryNode(op, left, right, position);
        }
        return left;
    }

    private string ParseTypeSpecifier()
    {
        var name = ParseIdentifier("a type name");
        if (Peek.Is(".") && PeekAt(1).Kind is TokenKind.Identifier or TokenKind.DelimitedIdentifier)
        {
            _pos++;
            name += "." + ParseIdentifier("a type name");
        }
        return name;
    }

    private string ParseIdentifier(string expected)
    {
        var t = Peek;
        if (t.Kind is not (TokenKind.Identifier or TokenKind.DelimitedIdentifier))
            throw new FhirPathSyntaxException(t.Position, expected, t.Describe());
        _pos++;
        return t.Text;
    }

    private Node ParseUnary()
    {
        var t = Peek;
        if (t.Is("+") || t.Is("-"))
        {
            _pos++;
            var operand = ParseUnary();
            // fold negative number literals so that -5 is a constant
            if (t.Text == "-" && operand is LiteralNode { Value: long l }) return new LiteralNode(-l, t.Position);
            if (t.Text == "-" && operand is LiteralNode { Value: decimal d }) return new LiteralNode(-d, t.Position);
            return t.Text == "+" ? operand : new UnaryNode("-", operand, t.Position);
        }
        return ParsePostfix(ParseTerm());
    }

    private Node ParsePostfix(Node node)
    {
        while (true)
        {
            var t = Peek;
            if (t.Is("."))
            {
                _pos++;
                var nameToken = Peek;
                var name = ParseIdentifier("a name or function after '.'");
                node = Peek.Is("(") ? new CallNode(node, name, ParseArguments(), nameToken.Position) : new MemberNode(node, name, nameToken.Position);
            }
            else if (t.Is("["))
            {
                _pos++;
                var index = ParseExpression();
                Expect("]");
                node = new IndexerNode(node, index, t.Position);
            }
            else return node;
        }
    }

    private List<Node> ParseArguments()
    {
        Expect("(");
        var args = new List<Node>();
        if (Peek.Is(")")) { _pos++; return args; }
        while (true)
        {
            args.Add(ParseExpression());
            if (Peek.Is(",")) { _pos++; continue; }
            Expect(")");
            return args;
        }
    }

    private static readonly HashSet<string> CalendarUnits =
    [
        "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
        "minute", "minutes", "second", "seconds", "millisecond", "milliseconds",
    ];

    private Node ParseTerm()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.Symbol when t.Text == "(":
            {
                var inner = ParseExpression();
                Expect(")");
                return inner;
            }
            case TokenKind.Symbol when t.Text == "{":
                Expect("}");
                return new LiteralNode(null, t.Position);
            case TokenKind.String:
                return new LiteralNode(t.Text, t.Position);
            case TokenKind.Number:
            {
                object value = t.Text.Contains('.')
                    ? (object)decimal.Parse(t.Text, CultureInfo.InvariantCulture)
                    : long.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? (object)l
                    : throw new FhirPathSyntaxException(t.Position, "an integer that fits 64 bits", $"'{t.Text}'");
                var unit = Peek;
                if (unit.Kind == TokenKind.String)
                {
                    _pos++;
                    return new LiteralNode(new FhirPathQuantity(FhirPathValues.ToDecimal(value), unit.Text), t.Position);
                }
                if (unit.Kind == TokenKind.Identifier && CalendarUnits.Contains(unit.Text))
                {
                    _pos++;
                    return new LiteralNode(new FhirPathQuantity(FhirPathValues.ToDecimal(value), unit.Text), t.Position);
                }
                return new LiteralNode(value, t.Position);
            }
            case TokenKind.DateTime:
                return new LiteralNode(FhirPathTemporal.Parse(t.Text)!, t.Position);
            case TokenKind.Time:
                return new LiteralNode(FhirPathTemporal.Parse(t.Text, isTime: true)!, t.Position);
            case TokenKind.ThisVariable:
                return new ThisNode(t.Text, t.Position);
            case TokenKind.External:
                return new ExternalNode(t.Text, t.Position);
            case TokenKind.Identifier when t.Text is "true" or "false" && !Peek.Is("("):
                return new LiteralNode(t.Text == "true", t.Position);
            case TokenKind.Identifier or TokenKind.DelimitedIdentifier:
                if (t.Kind == TokenKind.Identifier && Peek.Is("(")) return new CallNode(null, t.Text, ParseArguments(), t.Position);
                return new MemberNode(null, t.Text, t.Position);
            default:
                throw new FhirPathSyntaxException(t.Position, "an expression", t.Describe());
        }
    }
}
