using System.Globalization;
using System.Text;

namespace Shifo.Fhir.FhirPath;

internal enum TokenKind : byte { Identifier, DelimitedIdentifier, String, Number, DateTime, Time, Symbol, ThisVariable, External, End }

/// <summary>One token; <see cref="Text"/> is the unescaped value for strings and identifiers.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Position)
{
    public bool Is(string symbol) => Kind == TokenKind.Symbol && Text == symbol;
    public bool IsWord(string word) => Kind == TokenKind.Identifier && Text == word;

    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the expression",
        TokenKind.String => $"string '{Text}'",
        _ => $"'{Text}'",
    };
}

/// <summary>Turns FHIRPath text into tokens, skipping whitespace and comments.</summary>
internal static class Lexer
{
    private static readonly string[] Symbols = ["<=", ">=", "!=", "!~", ".", "[", "]", "(", ")", "{", "}", ",", "+", "-", "*", "/", "&", "|", "=", "~", "<", ">"];

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            SkipTrivia(text, ref i);
            if (i >= text.Length) { tokens.Add(new Token(TokenKind.End, "", i)); return tokens; }
            var start = i;
            var c = text[i];
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                tokens.Add(new Token(TokenKind.Identifier, text[start..i], start));
            }
            else if (c == '`')
            {
                tokens.Add(new Token(TokenKind.DelimitedIdentifier, ReadQuoted(text, ref i, '`'), start));
            }
            else if (c == '\'')
            {
                tokens.Add(new Token(TokenKind.String, ReadQuoted(text, ref i, '\''), start));
            }
            else if (char.IsAsciiDigit(c))
            {
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                // "1.5" is a decimal; "1.count()" is an integer followed by an invocation
                if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
                {
                    i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                }
                tokens.Add(new Token(TokenKind.Number, text[start..i], start));
            }
            else if (c == '@')
            {
                i++;
                var isTime = i < text.Length && text[i] == 'T';
                if (isTime) i++;
                var bodyStart = i;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] is '-' or ':' or 'T' or 'Z' or '+'
                       || (text[i] == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))))
                    i++;
                var body = text[bodyStart..i];
                var valid = isTime ? FhirPathTemporal.Parse(body, isTime: true) is not null : FhirPathTemporal.Parse(body) is not null;
                if (!valid)
                    throw new FhirPathSyntaxException(start, isTime ? "a time literal such as @T14:30" : "a date or date-time literal such as @2015-02-04T14:34:28Z", $"'@{(isTime ? "T" : "")}{body}'");
                tokens.Add(new Token(isTime ? TokenKind.Time : TokenKind.DateTime, body, start));
            }
            else if (c == '$')
            {
                i++;
                while (i < text.Length && char.IsAsciiLetter(text[i])) i++;
                var name = text[start..i];
                if (name is not ("$this" or "$index" or "$total"))
                    throw new FhirPathSyntaxException(start, "$this, $index or $total", $"'{name}'");
                tokens.Add(new Token(TokenKind.ThisVariable, name, start));
            }
            else if (c == '%')
            {
                i++;
                if (i < text.Length && text[i] == '`') tokens.Add(new Token(TokenKind.External, ReadQuoted(text, ref i, '`'), start));
                else if (i < text.Length && text[i] == '\'') tokens.Add(new Token(TokenKind.External, ReadQuoted(text, ref i, '\''), start));
                else
                {
                    var s = i;
                    while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-')) i++;
                    if (i == s) throw new FhirPathSyntaxException(start, "a variable name after '%'", Found(text, i));
                    tokens.Add(new Token(TokenKind.External, text[s..i], start));
                }
            }
            else
            {
                var symbol = Symbols.FirstOrDefault(s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0);
                if (symbol is null) throw new FhirPathSyntaxException(i, "an operator, a name or a literal", $"'{c}'");
                i += symbol.Length;
                tokens.Add(new Token(TokenKind.Symbol, symbol, start));
            }
        }
    }

    private static string Found(string text, int i) => i >= text.Length ? "the end of the expression" : $"'{text[i]}'";

    private static void SkipTrivia(string text, ref int i)
    {
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i])) { i++; continue; }
            if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n') i++;
                continue;
            }
            if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0) throw new FhirPathSyntaxException(i, "'*/' to close the comment", "the end of the expression");
                i = end + 2;
                continue;
            }
            break;
        }
    }

    private static string ReadQuoted(string text, ref int i, char quote)
    {
        var start = i;
        i++;
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= text.Length) throw new FhirPathSyntaxException(start, $"a closing {quote}", "the end of the expression");
            var c = text[i++];
            if (c == quote) return sb.ToString();
            if (c != '\\') { sb.Append(c); continue; }
            if (i >= text.Length) throw new FhirPathSyntaxException(i, "an escape sequence", "the end of the expression");
            var e = text[i++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'f': sb.Append('\f'); break;
                case 'u':
                    if (i + 4 > text.Length || !int.TryParse(text.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                        throw new FhirPathSyntaxException(i, "four hex digits after \\u", Found(text, i));
                    sb.Append((char)code);
                    i += 4;
                    break;
                case '\\' or '/' or '\'' or '"' or '`': sb.Append(e); break;
                default: throw new FhirPathSyntaxException(i - 2, "a valid escape sequence", $"'\\{e}'");
            }
        }
    }
}
