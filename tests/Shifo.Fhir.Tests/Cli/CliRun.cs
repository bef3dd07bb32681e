using Shifo.Cli;
using Shifo.Testing;

namespace Shifo.Fhir.Tests.Cli;

/// <summary>One in-process run of `shifo` and what it printed.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public static CliRun Of(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A spec example file of the FHIR package, e.g. "Patient-example.json".</summary>
    public static string SpecExample(string name) => Path.Combine(TestPaths.SpecPackage, name);

    /// <summary>Asserts the run failed on bad input: exit 2, one line on stderr naming the problem, no stack trace.</summary>
    public void AssertBadInput(string expectedInMessage)
    {
        Assert.Equal(ExitCodes.BadInput, ExitCode);
        var lines = Stderr.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.Contains(expectedInMessage, lines[0]);
        Assert.DoesNotContain("   at ", Stderr);
        Assert.Equal("", Stdout);
    }
}
