namespace Shifo.Import.Tests;

/// <summary>`shifo import --store`: synth output straight into SQLite and PostgreSQL, then checked through a server over that store.</summary>
[Collection(SampleCollection.Name)]
public sealed class StoreImportTests(SynthSample sample) : IAsyncLifetime
{
    private Shifo.Server.Tests.Fixtures.PostgresCluster? _cluster;

    public async Task InitializeAsync() => _cluster = await Shifo.Server.Tests.Fixtures.PostgresCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Theory]
    [InlineData("ndjson")]
    [InlineData("bundles")]
    public async Task Loads_into_sqlite(string format)
    {
        var file = Path.Combine(sample.NewFolder(), "shifo.db");
        var (code, stdout, stderr) = Cli.Run("import", Input(format), "--store", "sqlite:" + file, "--batch", "100");
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains($"import: {sample.Total} resources loaded", stdout);
        await using var server = await TestServer.StartAsync(TestServer.Sqlite(file));
        await server.AssertLoadedAsync(sample);
    }

    [Theory]
    [InlineData("ndjson")]
    [InlineData("bundles")]
    public async Task Loads_into_postgres(string format)
    {
        var database = "imp" + format;
        await _cluster!.CreateDatabaseAsync(database);
        var connection = _cluster.ConnectionString(database);
        var (code, stdout, stderr) = Cli.Run("import", Input(format), "--store", "postgres:" + connection);
        Assert.True(code == 0, stdout + stderr);
        await using var server = await TestServer.StartAsync(TestServer.Postgres(connection));
        await server.AssertLoadedAsync(sample);
    }

    [Fact]
    public async Task Bundle_references_point_at_the_new_ids()
    {
        var file = Path.Combine(sample.NewFolder(), "shifo.db");
        Assert.Equal(0, Cli.Run("import", sample.Bundles, "--store", "sqlite:" + file).Code);
        await using var server = await TestServer.StartAsync(TestServer.Sqlite(file));
        // an Encounter's subject was a urn:uuid in its Bundle: it must now name a stored Patient
        using var doc = System.Text.Json.JsonDocument.Parse(await server.Client.GetStringAsync("Encounter?_count=1"));
        var reference = doc.RootElement.GetProperty("entry")[0].GetProperty("resource").GetProperty("subject").GetProperty("reference").GetString()!;
        Assert.StartsWith("Patient/", reference);
        using var patient = await server.Client.GetAsync(reference);
        Assert.Equal(System.Net.HttpStatusCode.OK, patient.StatusCode);
    }

    private string Input(string format) => format == "ndjson" ? sample.Ndjson : sample.Bundles;
}
