using Shifo.Cli;

namespace Shifo.Synth.Tests;

/// <summary>`shifo synth` run in-process: files written, exit codes and one-line messages for bad options.</summary>
public sealed class SynthCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("shifo-synth-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Writes_ndjson_per_resource_type_and_a_summary()
    {
        var outDir = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = Run("synth", "--out", outDir, "--patients", "25", "--seed", "3", "--region", "UZ-BU");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", stderr);
        Assert.Contains("25 patients", stdout);
        Assert.Equal(25, File.ReadAllLines(Path.Combine(outDir, "Patient.ndjson")).Length);
        foreach (var type in new[] { "Organization", "Location", "Practitioner", "PractitionerRole", "Encounter", "Observation" })
            Assert.True(File.Exists(Path.Combine(outDir, type + ".ndjson")), type);
    }

    [Fact]
    public void Writes_bundles_in_load_order()
    {
        var outDir = Path.Combine(_dir, "bundles");
        var (code, _, _) = Run("synth", "--out", outDir, "--format", "bundle", "--patients", "12");
        Assert.Equal(ExitCodes.Ok, code);
        var names = Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal("directory-00001.json", names[0]);
        Assert.Equal(12, names.Count(n => n!.StartsWith("patient-")));
    }

    [Theory]
    [InlineData(new[] { "synth" }, "--out DIR is required")]
    [InlineData(new[] { "synth", "--out" }, "--out needs a value")]
    [InlineData(new[] { "synth", "--out", "X", "--format", "xml" }, "unknown format 'xml'")]
    [InlineData(new[] { "synth", "--out", "X", "--region", "UZ-ZZ" }, "unknown region 'UZ-ZZ'")]
    [InlineData(new[] { "synth", "--out", "X", "--patients", "0" }, "--patients expects a whole number of at least 1, got '0'")]
    [InlineData(new[] { "synth", "--out", "X", "--patients", "ten" }, "--patients expects a whole number")]
    [InlineData(new[] { "synth", "--out", "X", "--seed", "1.5" }, "--seed expects a whole number, got '1.5'")]
    [InlineData(new[] { "synth", "--out", "X", "--colour" }, "unknown argument '--colour'")]
    public void Bad_options_exit_2_with_one_line(string[] args, string message)
    {
        var (code, stdout, stderr) = Run(args.Select(a => a == "X" ? Path.Combine(_dir, "x") : a).ToArray());
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", stdout);
        var lines = stderr.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("shifo: synth: ", lines[0]);
        Assert.Contains(message, lines[0]);
        Assert.False(Directory.Exists(Path.Combine(_dir, "x")), "nothing may be written on bad options");
    }

    [Fact]
    public void Refuses_a_folder_that_is_not_empty()
    {
        File.WriteAllText(Path.Combine(_dir, "keep.txt"), "mine");
        var (code, _, stderr) = Run("synth", "--out", _dir, "--patients", "1");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("is not empty", stderr);
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Help_lists_the_command()
    {
        var (code, stdout, _) = Run("--help");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("shifo synth --out DIR", stdout);
    }
}
