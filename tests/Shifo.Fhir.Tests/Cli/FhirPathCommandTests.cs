using System.Text.Json;

namespace Shifo.Fhir.Tests.Cli;

public class FhirPathCommandTests
{
    private static readonly string Patient = CliRun.SpecExample("Patient-example.json");

    private static JsonElement Evaluate(string expression, string file)
    {
        var run = CliRun.Of("fhirpath", expression, file);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return JsonDocument.Parse(run.Stdout).RootElement;
    }

    [Fact]
    public void Primitive_elements_print_as_JSON_values()
    {
        var given = Evaluate("Patient.name.given", Patient);
        Assert.Equal(["Peter", "James", "Jim", "Peter", "James"], given.EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(JsonValueKind.True, Evaluate("Patient.active", Patient)[0].ValueKind);
    }

    [Fact]
    public void Complex_elements_print_as_their_FHIR_JSON()
    {
        var name = Evaluate("Patient.name.first()", Patient).EnumerateArray().Single();
        Assert.Equal("Chalmers", name.GetProperty("family").GetString());
        Assert.Equal("official", name.GetProperty("use").GetString());
    }

    [Fact]
    public void System_values_print_as_JSON_values()
    {
        Assert.Equal(3, Evaluate("Patient.name.count()", Patient)[0].GetInt64());
        Assert.Equal(JsonValueKind.False, Evaluate("Patient.deceased.exists() and false", Patient)[0].ValueKind);
        Assert.Equal("Chalmers, Peter", Evaluate("Patient.name.first().family + ', ' + Patient.name.first().given.first()", Patient)[0].GetString());
    }

    [Fact]
    public void Numbers_keep_their_written_precision()
    {
        using var files = new TempFiles();
        var observation = files.Write("obs.json", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1.50}}""");
        var run = CliRun.Of("fhirpath", "Observation.value.value | 2.50 | Observation.value.value.exists()", observation);
        Assert.Equal(0, run.ExitCode);
        // one item per line: the indentation holds for numbers too
        Assert.Equal(["[", "  1.50,", "  2.50,", "  true", "]"], run.Stdout.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public void An_empty_result_is_an_empty_array() => Assert.Equal(0, Evaluate("Patient.photo", Patient).GetArrayLength());

    [Fact]
    public void A_syntax_error_is_bad_input() => CliRun.Of("fhirpath", "Patient.name.where(", Patient).AssertBadInput("bad expression");

    [Fact]
    public void A_type_error_at_evaluation_is_bad_input() =>
        CliRun.Of("fhirpath", "Patient.name.given + 1", Patient).AssertBadInput("cannot evaluate the expression");

    [Fact]
    public void Missing_arguments_are_bad_input() => CliRun.Of("fhirpath", "Patient.name").AssertBadInput("expected EXPRESSION and FILE");

    [Fact]
    public void A_missing_file_is_bad_input() => CliRun.Of("fhirpath", "Patient.name", "nope.json").AssertBadInput("nope.json: no such file");

    [Fact]
    public void Not_JSON_is_bad_input()
    {
        using var files = new TempFiles();
        CliRun.Of("fhirpath", "Patient.name", files.Write("x.json", "hello")).AssertBadInput("not valid JSON");
    }
}
