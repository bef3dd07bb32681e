using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Bundles;

/// <summary>One server per store shared by the bundle, patch, $everything and concurrency tests (one PostgreSQL cluster, not four).</summary>
[CollectionDefinition(Name)]
public sealed class SqliteBundleCollection : ICollectionFixture<SqliteServerFixture>
{
    public const string Name = "bundles-sqlite";
}

[CollectionDefinition(Name)]
public sealed class PostgresBundleCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "bundles-postgres";
}

/// <summary>A SQLite server that allows conditional deletes of one resource only.</summary>
public sealed class SingleDeleteServerFixture : SqliteServerFixture
{
    protected override async Task<IDictionary<string, string?>> StoreSettingsAsync()
    {
        var settings = await base.StoreSettingsAsync();
        settings["Server:MaxConditionalDeletes"] = "1";
        return settings;
    }
}
