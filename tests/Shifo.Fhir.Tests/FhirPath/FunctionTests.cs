using Shifo.Fhir.FhirPath;

namespace Shifo.Fhir.Tests.FhirPath;

public class FunctionTests : FhirPathTestBase
{
    [Theory]
    [InlineData("name.exists()", true)]
    [InlineData("name.exists(use = 'nickname')", false)]
    [InlineData("name.empty()", false)]
    [InlineData("name.all(given.exists())", true)]
    [InlineData("(true | false).anyTrue()", true)]
    [InlineData("(true | false).allTrue()", false)]
    [InlineData("(false).allFalse()", true)]
    [InlineData("(true).anyFalse()", false)]
    [InlineData("name.first().subsetOf(name)", true)]
    [InlineData("name.supersetOf(name.first())", true)]
    [InlineData("(1 | 2 | 2).count() = 2", true)]
    [InlineData("(1 | 2).combine(2).isDistinct()", false)]
    public void Existence(string expression, bool expected) => Assert.Equal(expected, Bool(expression, Patient));

    [Fact]
    public void Filtering_and_projection()
    {
        Assert.Single(Eval("name.where(use = 'usual')", Patient));
        Assert.Equal(3, Eval("name.select(given)", Patient).Count);
        Assert.Equal(1L, Value("telecom.select(iif(system = 'email', $index, {}))", Patient));
        Assert.Single(Eval("contained.ofType(Organization)", Patient));
        Assert.Equal("test", Value("name.repeat('test')", Patient));
    }

    [Fact]
    public void Subsetting_and_combining()
    {
        Assert.Equal("Shavkat", Value("name.given.first()", Patient));
        Assert.Equal("Shava", Value("name.given.last()", Patient));
        Assert.Equal(2, Eval("name.given.tail()", Patient).Count);
        Assert.Single(Eval("name.given.skip(2)", Patient));
        Assert.Equal(2, Eval("name.given.take(2)", Patient).Count);
        Assert.Throws<FhirPathEvaluationException>(() => Eval("name.single()", Patient));
        Assert.True(Bool("(1 | 2 | 3).intersect(2 | 4) = 2"));
        Assert.True(Bool("(1 | 2 | 3).exclude(2 | 4) = (1 | 3)"));
        Assert.Equal(3L, Value("1.union(2).union(2 | 3).count()"));
        Assert.Equal(4L, Value("(1 | 2).combine(1 | 2).count()"));
    }

    [Theory]
    [InlineData("'1'.toInteger() = 1", true)]
    [InlineData("'1.5'.toInteger().empty()", true)]
    [InlineData("'1.5'.toDecimal() = 1.5", true)]
    [InlineData("'yes'.toBoolean()", true)]
    [InlineData("1.toString() = '1'", true)]
    [InlineData("1.0.toString() = '1.0'", true)]
    [InlineData("'2024-03-01'.toDate() = @2024-03-01", true)]
    [InlineData("'2024-03-01T10:00:00Z'.convertsToDateTime()", true)]
    [InlineData("'14:30'.toTime() = @T14:30", true)]
    [InlineData("'1 \\'mg\\''.toQuantity() = 1 'mg'", true)]
    [InlineData("'5 days'.toQuantity() = 5 days", true)]
    [InlineData("'abc'.convertsToInteger()", false)]
    [InlineData("iif(true, 'a', 'b') = 'a'", true)]
    [InlineData("iif({}, 'a', 'b') = 'b'", true)]
    [InlineData("iif(false, 1/0, true)", true)]
    public void Conversion(string expression, bool expected) => Assert.Equal(expected, Bool(expression));

    [Theory]
    [InlineData("'abcdef'.indexOf('cd')", 2L)]
    [InlineData("'abcdef'.substring(2, 2)", "cd")]
    [InlineData("'abc'.upper()", "ABC")]
    [InlineData("'ABC'.lower()", "abc")]
    [InlineData("'a-b-c'.replace('-', '+')", "a+b+c")]
    [InlineData("'abc123'.replaceMatches('[0-9]', '#')", "abc###")]
    [InlineData("'abc'.length()", 3L)]
    [InlineData("'  x '.trim()", "x")]
    [InlineData("('a' | 'b').join(',')", "a,b")]
    [InlineData("'a' + 'b'", "ab")]
    [InlineData("'a' & {}", "a")]
    public void Strings(string expression, object expected) => Assert.Equal(expected, Value(expression));

    [Fact]
    public void String_predicates_and_string_type_errors()
    {
        Assert.True(Bool("'abc'.startsWith('ab') and 'abc'.endsWith('bc') and 'abc'.contains('b')"));
        Assert.True(Bool("'A\nB'.matches('A.B')"));
        Assert.False(Bool("'abc'.matchesFull('b')"));
        Assert.Equal(3, Eval("'abc'.toChars()").Count);
        Assert.Equal(3, Eval("'a,b,c'.split(',')").Count);
        Assert.Empty(Eval("{}.startsWith('a')"));
        // a HumanName is not a string
        Assert.Throws<FhirPathEvaluationException>(() => Eval("name.first().startsWith('K')", Patient));
    }

    [Theory]
    [InlineData("(-5).abs() = 5", true)]
    [InlineData("1.1.ceiling() = 2", true)]
    [InlineData("(-1.1).floor() = -2", true)]
    [InlineData("1.9.truncate() = 1", true)]
    [InlineData("3.14159.round(2) = 3.14", true)]
    [InlineData("81.sqrt() = 9", true)]
    [InlineData("(-1).sqrt().empty()", true)]
    [InlineData("0.exp() = 1", true)]
    [InlineData("1.ln() = 0", true)]
    [InlineData("100.log(10) = 2", true)]
    [InlineData("2.power(10) = 1024", true)]
    [InlineData("7 div 2 = 3 and 7 mod 2 = 1", true)]
    [InlineData("(1 / 0).empty()", true)]
    [InlineData("1 / 2 = 0.5", true)]
    [InlineData("1 + 2 * 3 = 7", true)]
    public void Math(string expression, bool expected) => Assert.Equal(expected, Bool(expression));

    [Fact]
    public void Aggregate_and_sort()
    {
        Assert.Equal(45L, Value("(1|2|3|4|5|6|7|8|9).aggregate($this + $total, 0)"));
        Assert.Equal(9L, Value("(3|9|4).aggregate(iif($total.empty(), $this, iif($this > $total, $this, $total)))"));
        Assert.True(Bool("(3 | 1 | 2).sort() = (1 | 2 | 3)"));
        Assert.True(Bool("('a' | 'c' | 'b').sort(-$this) = ('c' | 'b' | 'a')"));
    }

    [Fact]
    public void Trace_reports_to_the_context()
    {
        var seen = new List<string>();
        var ctx = new EvaluationContext { Trace = (name, items) => seen.Add($"{name}:{items.Count}") };
        FhirPathCompiler.Compile("name.trace('n').given").Evaluate(Patient, ctx);
        Assert.Equal(["n:2"], seen);
    }

    [Fact]
    public void Utility_dates()
    {
        Assert.IsType<FhirPathDateTime>(Value("now()"));
        Assert.IsType<FhirPathDate>(Value("today()"));
        Assert.IsType<FhirPathTime>(Value("timeOfDay()"));
        Assert.True(Bool("birthDate < today()", Patient));
    }

    [Fact]
    public void Fhir_functions_memberOf_conformsTo_htmlChecks()
    {
        Assert.True(Bool("gender.memberOf('http://hl7.org/fhir/ValueSet/administrative-gender')", Patient));
        Assert.True(Bool("conformsTo('http://hl7.org/fhir/StructureDefinition/Patient')", Patient));
        Assert.False(Bool("conformsTo('http://hl7.org/fhir/StructureDefinition/Person')", Patient));
        Assert.Throws<FhirPathEvaluationException>(() => Eval("conformsTo('http://trash')", Patient));
        var withText = Parse("""{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">ok</div>"}}""");
        Assert.True(Bool("text.div.htmlChecks()", withText));
        var bad = Parse("""{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>x</script></div>"}}""");
        Assert.False(Bool("text.div.htmlChecks()", bad));
    }
}
