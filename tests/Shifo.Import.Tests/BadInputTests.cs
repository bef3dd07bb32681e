namespace Shifo.Import.Tests;

/// <summary>Bad input is exit 2 with one line; a failing resource is exit 1 with file:line in the summary.</summary>
[Collection(SampleCollection.Name)]
public sealed class BadInputTests(SynthSample sample)
{
    /// <summary>Five Patient lines of the sample, the third made invalid (an unknown gender code).</summary>
    public static string WithInvalidThirdLine(SynthSample sample)
    {
        var lines = File.ReadLines(Path.Combine(sample.Ndjson, "Patient.ndjson")).Take(5).ToList();
        var node = System.Text.Json.Nodes.JsonNode.Parse(lines[2])!;
        node["gender"] = "robot";
        lines[2] = node.ToJsonString();
        var file = Path.Combine(sample.NewFolder(), "Patient.ndjson");
        File.WriteAllLines(file, lines);
        return file;
    }

    [Theory]
    [InlineData("import")]
    [InlineData("import", "/no/such/file.ndjson", "--store", "sqlite:/tmp/x.db")]
    [InlineData("import", "FILE", "--store", "mysql:whatever")]
    [InlineData("import", "FILE")]
    [InlineData("import", "FILE", "--store", "sqlite:a.db", "--server", "http://localhost:1/fhir")]
    [InlineData("import", "FILE", "--batch", "0", "--server", "http://localhost:1/fhir")]
    [InlineData("import", "FILE", "--bogus")]
    [InlineData("import", "FILE", "--server", "http://127.0.0.1:1/fhir")]
    [InlineData("import", "FILE", "--server", "not a url")]
    [InlineData("import", "FILE", "--store", "postgres:Host=127.0.0.1;Port=1;Username=x;Timeout=2")]
    public void Bad_input_is_exit_2_with_one_line(params string[] args)
    {
        var file = Path.Combine(sample.Ndjson, "Patient.ndjson");
        var (code, stdout, stderr) = Cli.Run(args.Select(a => a == "FILE" ? file : a).ToArray());
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("shifo: import: ", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public void An_invalid_line_into_a_store_is_exit_1_with_file_and_line_and_no_patient_data()
    {
        var file = WithInvalidThirdLine(sample);
        var (code, stdout, _) = Cli.Run("import", file, "--store", "sqlite:" + Path.Combine(sample.NewFolder(), "s.db"));
        Assert.Equal(1, code);
        Assert.Contains("import: 4 resources loaded (Patient 4), 1 failed", stdout);
        Assert.Contains($"failed: {file}:3: ", stdout);
        // the summary gives counts, places and messages, never names
        var name = System.Text.Json.Nodes.JsonNode.Parse(File.ReadLines(file).Skip(2).First())!["name"]![0]!["family"]!.GetValue<string>();
        Assert.DoesNotContain(name, stdout);
    }
}
