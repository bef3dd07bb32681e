using System.Diagnostics;

namespace Shifo.Fhir.Tests.Cli;

/// <summary>Runs the built `shifo` as a real process (dotnet shifo.dll) and checks exit codes and output.</summary>
public class ShifoProcessTests
{
    private static readonly string Patient = CliRun.SpecExample("Patient-example.json");

    private static CliRun Shifo(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "shifo.dll");
        Assert.True(File.Exists(dll), $"the built tool is missing at {dll}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("shifo did not finish within 2 minutes");
        }
        return new CliRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Validate_a_valid_and_an_invalid_file_and_a_missing_one()
    {
        Assert.Equal(0, Shifo("validate", Patient).ExitCode);

        using var files = new TempFiles();
        var bad = files.Write("bad.json", """{"resourceType":"Patient","birthDate":"25 December 1974"}""");
        var invalid = Shifo("validate", bad);
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("error at Patient.birthDate", invalid.Stdout);

        Shifo("validate", "/no/such.json").AssertBadInput("/no/such.json: no such file");
    }

    [Fact]
    public void Fhirpath_prints_the_result_as_JSON()
    {
        var run = Shifo("fhirpath", "Patient.birthDate", Patient);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("""["1974-12-25"]""", string.Concat(run.Stdout.Where(c => !char.IsWhiteSpace(c))));
    }
}
