using System.Text.Json;

namespace Shifo.Fhir.Tests.Cli;

public class ValidateCommandTests
{
    private static readonly string Patient = CliRun.SpecExample("Patient-example.json");

    [Fact]
    public void A_valid_spec_example_exits_0_and_says_valid()
    {
        var run = CliRun.Of("validate", Patient);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"{Patient}: valid (0 errors", run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void An_invalid_resource_exits_1_with_one_line_per_issue()
    {
        using var files = new TempFiles();
        var bad = files.Write("bad.json", """{"resourceType":"Patient","gender":"robot","colour":"blue"}""");
        var run = CliRun.Of("validate", bad);
        Assert.Equal(1, run.ExitCode);
        var issueLines = run.Stdout.Split('\n').Where(l => l.StartsWith($"{bad}: error at ")).ToList();
        Assert.True(issueLines.Count >= 2, run.Stdout);
        Assert.Contains(issueLines, l => l.Contains("Patient.gender"));
        Assert.Contains(issueLines, l => l.Contains("colour"));
        Assert.Contains($"{bad}: INVALID", run.Stdout);
    }

    [Fact]
    public void Json_output_is_the_OperationOutcome()
    {
        using var files = new TempFiles();
        var bad = files.Write("bad.json", """{"resourceType":"Patient","gender":"robot"}""");
        var run = CliRun.Of("validate", "--json", bad);
        Assert.Equal(1, run.ExitCode);
        using var outcome = JsonDocument.Parse(run.Stdout);
        Assert.Equal("OperationOutcome", outcome.RootElement.GetProperty("resourceType").GetString());
        Assert.Contains(outcome.RootElement.GetProperty("issue").EnumerateArray(),
            i => i.GetProperty("severity").GetString() == "error");
        Assert.Contains("'robot'", run.Stdout);
    }

    [Fact]
    public void Several_files_exit_1_when_any_is_invalid_and_json_gives_one_outcome_per_line()
    {
        using var files = new TempFiles();
        var bad = files.Write("bad.json", """{"resourceType":"Observation"}""");
        var run = CliRun.Of("validate", "--json", Patient, bad);
        Assert.Equal(1, run.ExitCode);
        var lines = run.Stdout.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
            Assert.Equal("OperationOutcome", JsonDocument.Parse(line).RootElement.GetProperty("resourceType").GetString());
    }

    [Fact]
    public void A_missing_file_is_bad_input() => CliRun.Of("validate", "/no/such/file.json").AssertBadInput("/no/such/file.json: no such file");

    [Fact]
    public void A_directory_is_bad_input()
    {
        var dir = Path.GetTempPath().TrimEnd('/');
        CliRun.Of("validate", dir).AssertBadInput($"{dir}: is a directory");
    }

    [Fact]
    public void No_file_is_bad_input() => CliRun.Of("validate", "--json").AssertBadInput("no FILE given");

    [Fact]
    public void An_unknown_option_is_bad_input() => CliRun.Of("validate", "--strict", Patient).AssertBadInput("unknown option '--strict'");

    [Theory]
    [InlineData("{\"resourceType\": \"Patient\",", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("[1, 2]", "not a FHIR resource")]
    [InlineData("{\"name\": \"x\"}", "no resourceType")]
    [InlineData("{\"resourceType\": \"Spaceship\"}", "'Spaceship' is not a FHIR R4 resource type")]
    public void Content_that_is_not_a_resource_is_bad_input(string content, string expected)
    {
        using var files = new TempFiles();
        CliRun.Of("validate", files.Write("input.json", content)).AssertBadInput(expected);
    }

    [Fact]
    public void A_file_that_is_not_UTF8_is_bad_input()
    {
        using var files = new TempFiles();
        var path = files.Write("latin1.json", "");
        // 0xE9 alone is Latin-1 for "é", not UTF-8
        File.WriteAllBytes(path, [.. "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Ren"u8, 0xE9, .. "\"}]}"u8]);
        CliRun.Of("validate", path).AssertBadInput("not UTF-8 text");
    }
}
