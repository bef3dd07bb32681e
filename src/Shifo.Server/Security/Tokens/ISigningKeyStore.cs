namespace Shifo.Server.Security.Tokens;

/// <summary>One of the server's own token-signing keys as kept in the database.</summary>
public sealed record StoredSigningKey(string Kid, string Algorithm, byte[] PrivateKeyPkcs8, DateTimeOffset CreatedAt);

/// <summary>Where the server's signing keys are kept, shared by every node so that any node verifies any node's tokens.</summary>
public interface ISigningKeyStore
{
    Task<IReadOnlyList<StoredSigningKey>> LoadAsync(CancellationToken ct);

    Task AddAsync(StoredSigningKey key, CancellationToken ct);
}
