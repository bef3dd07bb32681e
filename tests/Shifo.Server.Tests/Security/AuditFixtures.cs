using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Security;

// Security off: these tests search AuditEvents without tokens, because enforcement is built in parallel (not merged).

public sealed class SqliteAuditFixture : SqliteServerFixture
{
    protected override async Task<IDictionary<string, string?>> StoreSettingsAsync()
    {
        var settings = await base.StoreSettingsAsync();
        settings["Security:Enabled"] = "false";
        // these tests count one event per access; combining repeated reads has tests of its own
        settings["Security:Audit:CombineReads"] = "false";
        return settings;
    }
}

public sealed class PostgresAuditFixture : PostgresServerFixture
{
    protected override async Task<IDictionary<string, string?>> StoreSettingsAsync()
    {
        var settings = await base.StoreSettingsAsync();
        settings["Security:Enabled"] = "false";
        // these tests count one event per access; combining repeated reads has tests of its own
        settings["Security:Audit:CombineReads"] = "false";
        return settings;
    }
}
