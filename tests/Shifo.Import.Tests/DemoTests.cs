namespace Shifo.Import.Tests;

/// <summary>The server's --demo option: loads a synthetic region into an empty store, leaves a non-empty one alone.</summary>
[Collection(SampleCollection.Name)]
public sealed class DemoTests(SynthSample sample)
{
    private static readonly Dictionary<string, string?> Small = new() { ["Demo:Patients"] = "25" };

    [Fact]
    public async Task Demo_loads_an_empty_store_and_says_so()
    {
        var settings = TestServer.Sqlite(Path.Combine(sample.NewFolder(), "shifo.db"));
        foreach (var (k, v) in Small) settings[k] = v;
        await using var server = await TestServer.StartAsync(settings, "--demo");
        // the synthetic region, plus the demo citizen's own record (Patient/demo-citizen) made with the demo accounts
        Assert.Equal(25 + 1, await server.CountAsync("Patient"));
        Assert.True(await server.CountAsync("Observation") > 0);
        var landing = await server.Client.GetStringAsync("../");
        Assert.Contains("Demo data loaded: 25 synthetic patients", landing);
    }

    [Fact]
    public async Task Demo_leaves_a_non_empty_store_alone()
    {
        var file = Path.Combine(sample.NewFolder(), "shifo.db");
        var lines = BadInputTests.WithInvalidThirdLine(sample);
        Assert.Equal(1, Cli.Run("import", lines, "--store", "sqlite:" + file).Code);
        var settings = TestServer.Sqlite(file);
        foreach (var (k, v) in Small) settings[k] = v;
        await using var server = await TestServer.StartAsync(settings, "--demo");
        Assert.Equal(4 + 1, await server.CountAsync("Patient"));
        Assert.Equal(0, await server.CountAsync("Observation"));
        Assert.DoesNotContain("Demo data loaded", await server.Client.GetStringAsync("../"));
    }
}
