namespace Shifo.Server.Security.Tokens;

/// <summary>Signing keys kept in memory only: tokens do not survive a restart. For a single process (benchmarks, unit tests).</summary>
public sealed class InMemorySigningKeyStore : ISigningKeyStore
{
    private readonly List<StoredSigningKey> _keys = [];

    public Task<IReadOnlyList<StoredSigningKey>> LoadAsync(CancellationToken ct)
    {
        lock (_keys) return Task.FromResult<IReadOnlyList<StoredSigningKey>>(_keys.ToList());
    }

    public Task AddAsync(StoredSigningKey key, CancellationToken ct)
    {
        lock (_keys) _keys.Add(key);
        return Task.CompletedTask;
    }
}
