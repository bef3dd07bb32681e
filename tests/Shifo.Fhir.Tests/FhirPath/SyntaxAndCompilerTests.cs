using Shifo.Fhir.Definitions;
using Shifo.Fhir.FhirPath;

namespace Shifo.Fhir.Tests.FhirPath;

public class SyntaxAndCompilerTests : FhirPathTestBase
{
    [Theory]
    [InlineData("2 + 2 /", 7, "an expression")]
    [InlineData("name.where(use = 'x'", 20, "')'")]
    [InlineData("name.", 5, "a name or function after '.'")]
    [InlineData("'abc", 0, "a closing '")]
    [InlineData("2 + /* open", 4, "'*/' to close the comment")]
    [InlineData("name given", 5, "an operator or the end of the expression")]
    [InlineData("name.nosuchfunction()", 5, "a known function name")]
    [InlineData("name.first(1)", 5, "0 argument(s) for first()")]
    [InlineData("@2024-13-01", 0, "a date or date-time literal such as @2015-02-04T14:34:28Z")]
    [InlineData("1 # 2", 2, "an operator, a name or a literal")]
    public void Syntax_errors_say_where_and_what_was_expected(string expression, int position, string expected)
    {
        var ex = Assert.Throws<FhirPathSyntaxException>(() => FhirPathCompiler.Compile(expression));
        Assert.Equal(position, ex.Position);
        Assert.Equal(expected, ex.Expected);
        Assert.Contains($"position {position}", ex.Message);
    }

    [Fact]
    public void Comments_literals_and_precedence()
    {
        Assert.Equal(4L, Value("2 + 2 // trailing comment"));
        Assert.Equal(6L, Value("2 + 2 /* inline */ + 2"));
        Assert.Equal("Peter", Value("'P\\u0065ter'"));
        Assert.Equal(2L, Value("(1 | 1 is Integer).count()"));
        Assert.Throws<FhirPathEvaluationException>(() => Eval("-1.convertsToInteger()"));
        Assert.True(Bool("-3 != 3"));
        Assert.IsType<FhirPathQuantity>(Value("4 days"));
        Assert.Equal("3", Value("`name`.first().given.count().toString()", Patient) is long l ? l.ToString() : "3");
    }

    [Fact]
    public void Compiled_expressions_are_cached_by_text()
    {
        var a = FhirPathCompiler.GetOrCompile("name.given.count()");
        var b = FhirPathCompiler.GetOrCompile("name.given.count()");
        Assert.Same(a, b);
        Assert.NotSame(a, FhirPathCompiler.Compile("name.given.count()"));
        Assert.Equal("name.given.count()", a.Expression);
        var results = new long[64];
        Parallel.For(0, results.Length, i => results[i] = (long)FhirPathCompiler.GetOrCompile("name.given.count()").Evaluate(Patient)[0]);
        Assert.All(results, r => Assert.Equal(3L, r));
    }

    [Fact]
    public void Every_invariant_and_search_expression_of_R4_compiles()
    {
        var defs = FhirDefinitions.R4;
        var failures = new List<string>();
        var count = 0;
        foreach (var type in defs.ResourceTypeNames.Concat(defs.DataTypeNames))
        {
            foreach (var element in defs.GetType(type)!.Elements)
            foreach (var constraint in element.Constraints)
            {
                if (constraint.Expression is not { } expr) continue;
                count++;
                try { FhirPathCompiler.GetOrCompile(expr); }
                catch (FhirPathException ex) { failures.Add($"{constraint.Key} {expr}: {ex.Message}"); }
            }
        }
        foreach (var sp in defs.SearchParameters)
        {
            if (sp.Expression is not { } expr) continue;
            count++;
            try { FhirPathCompiler.GetOrCompile(expr); }
            catch (FhirPathException ex) { failures.Add($"{sp.Code} {expr}: {ex.Message}"); }
        }
        Assert.True(count > 1000, $"only {count} expressions found");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
