using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Shifo.Server.Security.Tokens;

/// <summary>
/// The server's signing keys. Tokens are signed with the newest; every key young enough to have signed a token
/// still valid is published (JWKS) and verifies. Rotation without downtime: a key past its rotation age is replaced
/// by a new one, which other nodes find when a token names a kid they do not know yet (reload, at most every 10 s).
/// </summary>
public sealed class SigningKeyRing(ISigningKeyStore store, IOptions<SecurityOptions> options, TimeProvider time)
{
    public const string Algorithm = "RS256";

    private static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile IReadOnlyList<SigningKey> _keys = [];
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public sealed record SigningKey(string Kid, string Algorithm, AsymmetricAlgorithm Key, DateTimeOffset CreatedAt);

    /// <summary>The key new tokens are signed with; made (and stored) if there is none or it is due for rotation.</summary>
    public async Task<SigningKey> CurrentAsync(CancellationToken ct)
    {
        var current = Newest(_keys);
        if (current is not null && !DueForRotation(current)) return current;
        await _lock.WaitAsync(ct);
        try
        {
            await ReloadAsync(ct);
            current = Newest(_keys);
            if (current is null || DueForRotation(current)) current = await CreateAsync(ct);
            return current;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Makes a new signing key now (administrative rotation); the old ones keep verifying.</summary>
    public async Task<SigningKey> RotateAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            return await CreateAsync(ct);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The key with this kid that may still verify tokens, reloading once if it is not known yet.</summary>
    public async ValueTask<SigningKey?> FindAsync(string kid, CancellationToken ct)
    {
        var found = Published(_keys).FirstOrDefault(k => k.Kid == kid);
        if (found is not null || time.GetUtcNow() - _loadedAt < ReloadInterval) return found;
        await _lock.WaitAsync(ct);
        try
        {
            await ReloadAsync(ct);
        }
        finally
        {
            _lock.Release();
        }
        return Published(_keys).FirstOrDefault(k => k.Kid == kid);
    }

    /// <summary>The keys to publish in the JWKS: every key that may have signed a token still valid.</summary>
    public async Task<IReadOnlyList<SigningKey>> PublishedAsync(CancellationToken ct)
    {
        await CurrentAsync(ct);
        return Published(_keys).ToList();
    }

    private IEnumerable<SigningKey> Published(IReadOnlyList<SigningKey> keys)
    {
        // a key stops signing at rotation age; its last tokens live one token lifetime more
        var oldest = time.GetUtcNow() - options.Value.SigningKeyRotation - options.Value.AccessTokenLifetime - options.Value.ClockSkew;
        var newest = Newest(keys);
        return keys.Where(k => k == newest || k.CreatedAt >= oldest);
    }

    private bool DueForRotation(SigningKey key) => time.GetUtcNow() - key.CreatedAt >= options.Value.SigningKeyRotation;

    private static SigningKey? Newest(IReadOnlyList<SigningKey> keys) => keys.Count == 0 ? null : keys.MaxBy(k => k.CreatedAt);

    private async Task ReloadAsync(CancellationToken ct)
    {
        var stored = await store.LoadAsync(ct);
        _keys = stored.Select(s =>
        {
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(s.PrivateKeyPkcs8, out _);
            return new SigningKey(s.Kid, s.Algorithm, rsa, s.CreatedAt);
        }).ToList();
        _loadedAt = time.GetUtcNow();
    }

    private async Task<SigningKey> CreateAsync(CancellationToken ct)
    {
        var rsa = RSA.Create(2048);
        var created = time.GetUtcNow();
        var kid = Base64Url.Encode(RandomNumberGenerator.GetBytes(12));
        await store.AddAsync(new StoredSigningKey(kid, Algorithm, rsa.ExportPkcs8PrivateKey(), created), ct);
        var key = new SigningKey(kid, Algorithm, rsa, created);
        _keys = [.. _keys, key];
        return key;
    }
}
