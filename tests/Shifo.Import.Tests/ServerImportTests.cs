namespace Shifo.Import.Tests;

/// <summary>`shifo import --server`: synth output into a running server over HTTP.</summary>
[Collection(SampleCollection.Name)]
public sealed class ServerImportTests(SynthSample sample)
{
    [Theory]
    [InlineData("ndjson")]
    [InlineData("bundles")]
    public async Task Loads_into_a_running_server(string format)
    {
        await using var server = await TestServer.StartAsync(TestServer.Sqlite(Path.Combine(sample.NewFolder(), "shifo.db")));
        var (code, stdout, stderr) = Cli.Run("import", format == "ndjson" ? sample.Ndjson : sample.Bundles, "--server", server.Fhir, "--batch", "200");
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains($"import: {sample.Total} resources loaded", stdout);
        await server.AssertLoadedAsync(sample);
    }

    [Fact]
    public async Task A_secured_server_needs_a_token_in_SHIFO_ACCESS_TOKEN()
    {
        var settings = TestServer.Sqlite(Path.Combine(sample.NewFolder(), "shifo.db"));
        settings["Security:Enabled"] = "true";
        await using var server = await TestServer.StartAsync(settings);
        var previous = Environment.GetEnvironmentVariable("SHIFO_ACCESS_TOKEN");
        try
        {
            Environment.SetEnvironmentVariable("SHIFO_ACCESS_TOKEN", null);
            var (code, _, stderr) = Cli.Run("import", sample.Ndjson, "--server", server.Fhir);
            Assert.Equal(2, code);
            Assert.Contains("401", stderr);
            Assert.Contains("SHIFO_ACCESS_TOKEN", stderr);

            Environment.SetEnvironmentVariable("SHIFO_ACCESS_TOKEN", await server.SystemTokenAsync("system/*.cruds"));
            (code, var stdout, stderr) = Cli.Run("import", sample.Ndjson, "--server", server.Fhir, "--batch", "200");
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains($"import: {sample.Total} resources loaded", stdout);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SHIFO_ACCESS_TOKEN", previous);
        }
    }

    [Fact]
    public async Task An_invalid_line_fails_alone_with_its_file_and_line()
    {
        await using var server = await TestServer.StartAsync(TestServer.Sqlite(Path.Combine(sample.NewFolder(), "shifo.db")));
        var file = BadInputTests.WithInvalidThirdLine(sample);
        var (code, stdout, _) = Cli.Run("import", file, "--server", server.Fhir);
        Assert.Equal(1, code);
        Assert.Contains($"{file}:3:", stdout);
        Assert.Equal(4, await server.CountAsync("Patient"));
    }
}
