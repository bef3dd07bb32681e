using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Bulk;

/// <summary>Temporary bulk folders (job files and the allowed import folder) for an in-process server.</summary>
public sealed class BulkFolders : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "shifo-bulk-" + Guid.NewGuid().ToString("N")[..12]);
    public string Jobs => Path.Combine(Root, "jobs");
    public string Import => Path.Combine(Root, "import");

    public BulkFolders() => Directory.CreateDirectory(Import);

    public void Add(IDictionary<string, string?> settings)
    {
        settings["Bulk:Folder"] = Jobs;
        settings["Bulk:ImportFolder"] = Import;
        settings["Bulk:ImportBatchSize"] = "50";
        settings["Bulk:ExportPageSize"] = "7"; // small pages: exports cross page boundaries in the tests
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

public sealed class SqliteBulkFixture : SqliteServerFixture
{
    public BulkFolders Folders { get; } = new();

    protected override async Task<IDictionary<string, string?>> StoreSettingsAsync()
    {
        var settings = await base.StoreSettingsAsync();
        Folders.Add(settings);
        return settings;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Folders.Dispose();
    }
}

public sealed class PostgresBulkFixture : PostgresServerFixture
{
    public BulkFolders Folders { get; } = new();

    protected override async Task<IDictionary<string, string?>> StoreSettingsAsync()
    {
        var settings = await base.StoreSettingsAsync();
        Folders.Add(settings);
        return settings;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Folders.Dispose();
    }
}
