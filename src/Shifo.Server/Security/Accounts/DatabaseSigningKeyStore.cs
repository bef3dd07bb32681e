using Shifo.Server.Security.Tokens;
using Shifo.Storage.Accounts;

namespace Shifo.Server.Security.Accounts;

/// <summary>The server's signing keys in the database, shared by every node (table auth_signing_key).</summary>
public sealed class DatabaseSigningKeyStore(AccountStore accounts) : ISigningKeyStore
{
    public async Task<IReadOnlyList<StoredSigningKey>> LoadAsync(CancellationToken ct) =>
        (await accounts.LoadSigningKeysAsync(ct)).Select(k => new StoredSigningKey(k.Kid, k.Algorithm, k.PrivateKeyPkcs8, k.CreatedAt)).ToList();

    public Task AddAsync(StoredSigningKey key, CancellationToken ct) =>
        accounts.AddSigningKeyAsync(new SigningKeyRecord(key.Kid, key.Algorithm, key.PrivateKeyPkcs8, key.CreatedAt), ct);
}
