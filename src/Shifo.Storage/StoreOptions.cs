namespace Shifo.Storage;

/// <summary>
/// Which store to use, read from configuration section "Store" (environment: SHIFO_Store__Provider,
/// SHIFO_Store__SqlitePath, SHIFO_Store__PostgresConnectionString, ...).
/// </summary>
public sealed class StoreOptions
{
    /// <summary>"sqlite" (the default) or "postgres".</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The SQLite database file; relative paths are under the working directory.</summary>
    public string SqlitePath { get; set; } = Path.Combine("data", "shifo.db");

    /// <summary>How long a SQLite writer waits for another one before giving up, in seconds.</summary>
    public int SqliteBusyTimeoutSeconds { get; set; } = 30;

    /// <summary>An Npgsql connection string, e.g. "Host=127.0.0.1;Port=5432;Database=shifo;Username=shifo".</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Section "Store:ReadCache": the cache of current versions for reads by id (PostgreSQL only).</summary>
    public Caching.ReadCacheOptions ReadCache { get; set; } = new();
}
