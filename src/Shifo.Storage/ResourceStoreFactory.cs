using Shifo.Fhir.Definitions;
using Shifo.Storage.Caching;
using Shifo.Storage.Indexing;
using Shifo.Storage.Postgres;
using Shifo.Storage.Relational;
using Shifo.Storage.Search;
using Shifo.Storage.Sqlite;

namespace Shifo.Storage;

/// <summary>Builds the configured store with the official definitions and the FHIRPath engine for indexing.</summary>
public static class ResourceStoreFactory
{
    public static IResourceStore Create(StoreOptions options, TimeProvider? clock = null)
    {
        SqlDialect dialect = options.Provider.ToLowerInvariant() switch
        {
            "sqlite" => new SqliteDialect(options.SqlitePath, options.SqliteBusyTimeoutSeconds),
            "postgres" or "postgresql" => new PostgresDialect(options.PostgresConnectionString is { Length: > 0 } cs
                ? cs
                : throw new InvalidOperationException("Store:Provider is postgres but Store:PostgresConnectionString (SHIFO_Store__PostgresConnectionString) is not set.")),
            var other => throw new InvalidOperationException($"Unknown Store:Provider '{other}': use sqlite or postgres."),
        };
        var definitions = FhirDefinitions.R4;
        // SQLite stays uncached: another process (the CLI's import) may write the file without telling anyone
        var cache = options.ReadCache.Enabled && dialect is PostgresDialect
            ? new ReadCache(Math.Max(1, options.ReadCache.MaxMegabytes) * 1024L * 1024L)
            : null;
        return new RelationalResourceStore(dialect, new SearchIndexer(definitions, new FhirPathEngine()), new FhirSearchCompiler(definitions, clock), clock)
        {
            ReadCache = cache,
        };
    }
}
