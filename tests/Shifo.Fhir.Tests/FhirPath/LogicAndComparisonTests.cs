using Shifo.Fhir.FhirPath;

namespace Shifo.Fhir.Tests.FhirPath;

public class LogicAndComparisonTests : FhirPathTestBase
{
    [Theory]
    [InlineData("true and {}", null)]
    [InlineData("false and {}", false)]
    [InlineData("{} or true", true)]
    [InlineData("{} or false", null)]
    [InlineData("true xor {}", null)]
    [InlineData("false implies {}", true)]
    [InlineData("{} implies true", true)]
    [InlineData("{} implies false", null)]
    [InlineData("true and 'foo'", true)]
    public void Three_valued_logic(string expression, bool? expected) => Assert.Equal(expected, Bool(expression));

    [Theory]
    [InlineData("@2012 = @2012-01", null)]
    [InlineData("@2012-04-15 = @2012-04-15T10:00:00", null)]
    [InlineData("@2012-04-15 ~ @2012-04-15T10:00:00", false)]
    [InlineData("@2018-03 < @2018-03-01", null)]
    [InlineData("@2018-02 < @2018-03-01", true)]
    [InlineData("@2012-04-15T15:00:00+02:00 = @2012-04-15T16:00:00+03:00", true)]
    [InlineData("@2012-04-15T15:00:00Z = @2012-04-15T10:00:00", null)]
    [InlineData("@2012-04-15T15:30:31 = @2012-04-15T15:30:31.0", true)]
    [InlineData("@T10:30 < @T10:30:00", null)]
    [InlineData("@T10:30 < @T11:00", true)]
    [InlineData("@1973-12-25 + 7 days = @1974-01-01", true)]
    [InlineData("@1974-12-25 - 1 month = @1974-11-25", true)]
    [InlineData("@2024-01-01T10:00:00Z + 90 minutes = @2024-01-01T11:30:00Z", true)]
    public void Partial_dates_and_times(string expression, bool? expected) => Assert.Equal(expected, Bool(expression));

    [Theory]
    [InlineData("4.0000 'g' = 4000.0 'mg'", true)]
    [InlineData("4 'g' ~ 4040 'mg'", true)]
    [InlineData("1 'kg' > 999 'g'", true)]
    [InlineData("1 'L' = 1000 'mL'", true)]
    [InlineData("100 'cm' = 1 'm'", true)]
    [InlineData("1 '[in_i]' = 2.54 'cm'", true)]
    [InlineData("7 days = 1 week", true)]
    [InlineData("7 days = 1 'wk'", true)]
    [InlineData("1 'h' = 60 'min'", true)]
    [InlineData("1 'mo' = 1 month", null)]
    [InlineData("1 'a' = 1 year", null)]
    [InlineData("1 'kg' = 1 'm'", null)]
    [InlineData("2.0 'cm' * 2.0 'm' = 0.040 'm2'", true)]
    [InlineData("4.0 'g' / 2.0 'm' = 2 'g/m'", true)]
    [InlineData("1 'mg/dL' = 10 'mg/L'", true)]
    [InlineData("1 'cm'.comparable(1 '[in_i]')", true)]
    public void Ucum_quantities(string expression, bool? expected) => Assert.Equal(expected, Bool(expression));

    [Fact]
    public void Fhir_quantity_uses_its_ucum_code()
    {
        Assert.True(Bool("Observation.value = 185 '[lb_av]'", Observation));
        Assert.True(Bool("Observation.value > 80 'kg'", Observation));
        Assert.True(Bool("Observation.value < 90 'kg'", Observation));
    }

    [Theory]
    [InlineData("1 = 1.0", true)]
    [InlineData("'a' ~ 'A'", true)]
    [InlineData("1.2 / 1.8 ~ 0.67", true)]
    [InlineData("(1 | 2) = (2 | 1)", false)]
    [InlineData("(1 | 2) ~ (2 | 1)", true)]
    [InlineData("{} = {}", null)]
    [InlineData("{} ~ {}", true)]
    [InlineData("1 in (1 | 2)", true)]
    [InlineData("(1 | 2) contains 3", false)]
    public void Equality_and_membership(string expression, bool? expected) => Assert.Equal(expected, Bool(expression));

    [Fact]
    public void Complex_nodes_compare_by_content()
    {
        Assert.True(Bool("name.first() = name.first()", Patient));
        Assert.False(Bool("name.first() = name.last()", Patient));
    }

    [Theory]
    [InlineData("1 < 'a'")]
    [InlineData("'a' - 'b'")]
    [InlineData("@2024-01-01 + 7")]
    [InlineData("@2024-01-01 + 1 'cm'")]
    [InlineData("-'a'")]
    [InlineData("(1 | 2) + 1")]
    [InlineData("(1 | 2 | 3) & 'b'")]
    [InlineData("iif('x', 1, 2)")]
    [InlineData("(1 | 2).iif(true, 1, 2)")]
    [InlineData("(true | 'foo').allTrue()")]
    [InlineData("1.substring(0)")]
    public void Type_errors_raise_evaluation_exceptions(string expression)
    {
        var ex = Assert.Throws<FhirPathEvaluationException>(() => Eval(expression, Patient));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void EvaluateBoolean_follows_singleton_evaluation()
    {
        Assert.Null(Bool("name.where(use = 'nickname')", Patient));
        Assert.True(Bool("name.first()", Patient));
        Assert.Throws<FhirPathEvaluationException>(() => Bool("name", Patient));
    }
}
