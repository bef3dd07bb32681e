namespace Shifo.Fhir.Tests.Cli;

public class CliBasicsTests
{
    [Fact]
    public void Help_lists_the_commands()
    {
        var run = CliRun.Of("--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("shifo validate", run.Stdout);
        Assert.Contains("shifo fhirpath", run.Stdout);
    }

    [Fact]
    public void Version_names_the_tool_and_the_FHIR_version()
    {
        var run = CliRun.Of("--version");
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^shifo \d+\.\d+\.\d+ \(FHIR 4\.0\.1\)\s*$", run.Stdout);
    }

    [Fact]
    public void No_arguments_is_bad_input() => CliRun.Of().AssertBadInput("no command given");

    [Fact]
    public void Unknown_command_is_bad_input() => CliRun.Of("frobnicate").AssertBadInput("unknown command 'frobnicate'");

    [Fact]
    public void Definitions_reports_the_load_time()
    {
        var run = CliRun.Of("definitions");
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"definitions load time: \d+\.\d ms \(CPU \d+\.\d ms\)", run.Stdout);
        Assert.Contains("146 resource types", run.Stdout);
    }
}
