using System.Data.Common;
using System.Text.Json;
using Shifo.Storage.Jobs;
using Shifo.Storage.Relational;

namespace Shifo.Storage.Accounts;

/// <summary>
/// The authorization server's rows in the store's own database (schema version 4): users, clients, signing keys,
/// authorization codes, refresh tokens and used client-assertion ids. Every statement is parameterized. One-time
/// values are taken with a conditional UPDATE, so two nodes racing for the same code cannot both win.
/// </summary>
public sealed class AccountStore(IResourceStore store)
{
    private readonly SqlDialect _dialect = (store as RelationalResourceStore ?? throw new ArgumentException("Accounts need a relational store.", nameof(store))).Dialect;

    private const string UserColumns = "user_id, username, password_hash, role, fhir_user, organization, active, demo, failed_logins, locked_until, created_at";
    private const string ClientColumns = "client_id, name, kind, jwks, redirect_uris, post_logout_redirect_uris, role, organization, scopes, active, demo, created_at";
    private const string CodeColumns = "code_hash, client_id, user_id, redirect_uri, scope, code_challenge, patient, expires_at, used";
    private const string RefreshColumns = "token_hash, family_id, client_id, user_id, scope, patient, expires_at, revoked";

    // ---- users ----

    /// <summary>Adds a user; false when the username (or id) is taken.</summary>
    public Task<bool> AddUserAsync(UserAccount user, CancellationToken ct) =>
        InsertAsync($"INSERT INTO auth_user ({UserColumns}) VALUES (@id, @u, @h, @r, @f, @o, @a, @d, @n, @l, @c)", ct,
            ("@id", user.Id), ("@u", user.Username), ("@h", user.PasswordHash), ("@r", user.Role), ("@f", user.FhirUser),
            ("@o", user.Organization), ("@a", user.Active), ("@d", user.Demo), ("@n", user.FailedLogins),
            ("@l", user.LockedUntil?.ToUnixTimeMilliseconds()), ("@c", user.CreatedAt.ToUnixTimeMilliseconds()));

    public async Task<UserAccount?> FindUserByNameAsync(string username, CancellationToken ct) =>
        (await QueryAsync($"SELECT {UserColumns} FROM auth_user WHERE username = @u", ReadUser, ct, ("@u", username))).FirstOrDefault();

    public async Task<UserAccount?> FindUserAsync(string userId, CancellationToken ct) =>
        (await QueryAsync($"SELECT {UserColumns} FROM auth_user WHERE user_id = @id", ReadUser, ct, ("@id", userId))).FirstOrDefault();

    public Task<List<UserAccount>> ListUsersAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {UserColumns} FROM auth_user ORDER BY username", ReadUser, ct);

    /// <summary>Records the outcome of a sign-in: the failed-login count and the lock it leads to (0 and null after a success).</summary>
    public Task SetLoginStateAsync(string userId, int failedLogins, DateTimeOffset? lockedUntil, CancellationToken ct) =>
        WriteAsync("UPDATE auth_user SET failed_logins = @n, locked_until = @l WHERE user_id = @id", ct,
            ("@n", failedLogins), ("@l", lockedUntil?.ToUnixTimeMilliseconds()), ("@id", userId));

    /// <summary>Replaces a user's password hash and clears any lock (demo accounts get fresh passwords at each start).</summary>
    public Task SetPasswordAsync(string userId, string passwordHash, CancellationToken ct) =>
        WriteAsync("UPDATE auth_user SET password_hash = @h, failed_logins = 0, locked_until = NULL WHERE user_id = @id", ct,
            ("@h", passwordHash), ("@id", userId));

    // ---- clients ----

    /// <summary>Adds a client; false when the client_id is taken.</summary>
    public Task<bool> AddClientAsync(ClientRegistration client, CancellationToken ct) =>
        InsertAsync($"INSERT INTO auth_client ({ClientColumns}) VALUES (@id, @n, @k, @j, @r, @p, @role, @o, @s, @a, @d, @c)", ct, ClientParameters(client));

    /// <summary>Replaces a client's registration (the demo client's key is renewed at each start).</summary>
    public Task ReplaceClientAsync(ClientRegistration client, CancellationToken ct) =>
        WriteAsync("""
            UPDATE auth_client SET name = @n, kind = @k, jwks = @j, redirect_uris = @r, post_logout_redirect_uris = @p, role = @role,
                organization = @o, scopes = @s, active = @a, demo = @d, created_at = @c WHERE client_id = @id
            """, ct, ClientParameters(client));

    public async Task<ClientRegistration?> FindClientAsync(string clientId, CancellationToken ct) =>
        (await QueryAsync($"SELECT {ClientColumns} FROM auth_client WHERE client_id = @id", ReadClient, ct, ("@id", clientId))).FirstOrDefault();

    public Task<List<ClientRegistration>> ListClientsAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {ClientColumns} FROM auth_client ORDER BY client_id", ReadClient, ct);

    /// <summary>How many active users and clients are demo accounts (production refuses to start with any).</summary>
    public async Task<long> CountActiveDemoAccountsAsync(CancellationToken ct)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        await using var cmd = JobStore.Command(connection, null,
            "SELECT (SELECT COUNT(*) FROM auth_user WHERE demo = @t AND active = @t) + (SELECT COUNT(*) FROM auth_client WHERE demo = @t AND active = @t)",
            ("@t", true));
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
    }

    /// <summary>Deactivates every demo user and client and revokes the demo users' refresh tokens, in one transaction; returns how many accounts.</summary>
    public async Task<int> DeactivateDemoAccountsAsync(CancellationToken ct)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        await using var tx = await _dialect.BeginWriteAsync(connection, ct);
        await JobStore.ExecuteAsync(connection, tx,
            "UPDATE auth_refresh_token SET revoked = @t WHERE user_id IN (SELECT user_id FROM auth_user WHERE demo = @t)", ct, ("@t", true));
        var users = await JobStore.ExecuteAsync(connection, tx, "UPDATE auth_user SET active = @f WHERE demo = @t AND active = @t", ct, ("@t", true), ("@f", false));
        var clients = await JobStore.ExecuteAsync(connection, tx, "UPDATE auth_client SET active = @f WHERE demo = @t AND active = @t", ct, ("@t", true), ("@f", false));
        await tx.CommitAsync(ct);
        return users + clients;
    }

    // ---- signing keys ----

    public Task AddSigningKeyAsync(SigningKeyRecord key, CancellationToken ct) =>
        WriteAsync("INSERT INTO auth_signing_key (kid, algorithm, private_key, created_at) VALUES (@k, @a, @p, @c)", ct,
            ("@k", key.Kid), ("@a", key.Algorithm), ("@p", Convert.ToBase64String(key.PrivateKeyPkcs8)), ("@c", key.CreatedAt.ToUnixTimeMilliseconds()));

    public Task<List<SigningKeyRecord>> LoadSigningKeysAsync(CancellationToken ct) =>
        QueryAsync("SELECT kid, algorithm, private_key, created_at FROM auth_signing_key ORDER BY created_at", r =>
            new SigningKeyRecord(r.GetString(0), r.GetString(1), Convert.FromBase64String(r.GetString(2)), Time(r, 3)!.Value), ct);

    // ---- authorization codes ----

    public Task AddCodeAsync(AuthorizationCode code, CancellationToken ct) =>
        WriteAsync($"INSERT INTO auth_code ({CodeColumns}) VALUES (@h, @c, @u, @r, @s, @ch, @p, @e, @used)", ct,
            ("@h", code.CodeHash), ("@c", code.ClientId), ("@u", code.UserId), ("@r", code.RedirectUri), ("@s", code.Scope),
            ("@ch", code.CodeChallenge), ("@p", code.Patient), ("@e", code.ExpiresAt.ToUnixTimeMilliseconds()), ("@used", false));

    /// <summary>Marks a code used and returns it; AlreadyTaken when it had been used before; Record null when there is no such code.</summary>
    public Task<TakeResult<AuthorizationCode>> TakeCodeAsync(string codeHash, CancellationToken ct) =>
        TakeAsync("UPDATE auth_code SET used = @t WHERE code_hash = @h AND used = @f",
            $"SELECT {CodeColumns} FROM auth_code WHERE code_hash = @h", ReadCode, codeHash, ct);

    // ---- refresh tokens ----

    public Task AddRefreshTokenAsync(RefreshTokenRecord token, CancellationToken ct) =>
        WriteAsync($"INSERT INTO auth_refresh_token ({RefreshColumns}) VALUES (@h, @fam, @c, @u, @s, @p, @e, @rev)", ct,
            ("@h", token.TokenHash), ("@fam", token.FamilyId), ("@c", token.ClientId), ("@u", token.UserId), ("@s", token.Scope),
            ("@p", token.Patient), ("@e", token.ExpiresAt.ToUnixTimeMilliseconds()), ("@rev", false));

    public async Task<RefreshTokenRecord?> FindRefreshTokenAsync(string tokenHash, CancellationToken ct) =>
        (await QueryAsync($"SELECT {RefreshColumns} FROM auth_refresh_token WHERE token_hash = @h", ReadRefresh, ct, ("@h", tokenHash))).FirstOrDefault();

    /// <summary>Revokes a refresh token for rotation and returns it; AlreadyTaken when it had been revoked before (reuse).</summary>
    public Task<TakeResult<RefreshTokenRecord>> TakeRefreshTokenAsync(string tokenHash, CancellationToken ct) =>
        TakeAsync("UPDATE auth_refresh_token SET revoked = @t WHERE token_hash = @h AND revoked = @f",
            $"SELECT {RefreshColumns} FROM auth_refresh_token WHERE token_hash = @h", ReadRefresh, tokenHash, ct);

    public Task<int> RevokeRefreshTokenAsync(string tokenHash, CancellationToken ct) =>
        WriteAsync("UPDATE auth_refresh_token SET revoked = @t WHERE token_hash = @h", ct, ("@t", true), ("@h", tokenHash));

    public Task<int> RevokeFamilyAsync(string familyId, CancellationToken ct) =>
        WriteAsync("UPDATE auth_refresh_token SET revoked = @t WHERE family_id = @f", ct, ("@t", true), ("@f", familyId));

    /// <summary>Signs a user out of one client: every refresh token of the pair is revoked.</summary>
    public Task<int> RevokeUserClientAsync(string userId, string clientId, CancellationToken ct) =>
        WriteAsync("UPDATE auth_refresh_token SET revoked = @t WHERE user_id = @u AND client_id = @c", ct, ("@t", true), ("@u", userId), ("@c", clientId));

    // ---- client assertion ids ----

    /// <summary>
    /// Remembers a client assertion's jti until it expires; false when the client used it before (a replay).
    /// Expired entries are dropped on the way, so the table holds at most a few minutes of assertions.
    /// </summary>
    public async Task<bool> UseAssertionIdAsync(string clientId, string jti, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct)
    {
        await WriteAsync("DELETE FROM auth_assertion_jti WHERE expires_at < @now", ct, ("@now", now.ToUnixTimeMilliseconds()));
        return await InsertAsync("INSERT INTO auth_assertion_jti (client_id, jti, expires_at) VALUES (@c, @j, @e)", ct,
            ("@c", clientId), ("@j", jti), ("@e", expiresAt.ToUnixTimeMilliseconds()));
    }

    // ---- plumbing ----

    private static (string, object?)[] ClientParameters(ClientRegistration c) =>
    [
        ("@id", c.ClientId), ("@n", c.Name), ("@k", c.Kind), ("@j", c.Jwks), ("@r", JsonSerializer.Serialize(c.RedirectUris)),
        ("@p", JsonSerializer.Serialize(c.PostLogoutRedirectUris)), ("@role", c.Role), ("@o", c.Organization), ("@s", c.Scopes),
        ("@a", c.Active), ("@d", c.Demo), ("@c", c.CreatedAt.ToUnixTimeMilliseconds()),
    ];

    private async Task<TakeResult<T>> TakeAsync<T>(string take, string select, Func<DbDataReader, T> read, string hash, CancellationToken ct) where T : class
    {
        await using var connection = await _dialect.OpenAsync(ct);
        await using var tx = await _dialect.BeginWriteAsync(connection, ct);
        var taken = await JobStore.ExecuteAsync(connection, tx, take, ct, ("@t", true), ("@f", false), ("@h", hash));
        T? record = null;
        await using (var cmd = JobStore.Command(connection, tx, select, ("@h", hash)))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            if (await reader.ReadAsync(ct)) record = read(reader);
        await tx.CommitAsync(ct);
        return new TakeResult<T>(record, record is not null && taken == 0);
    }

    private async Task<bool> InsertAsync(string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        try
        {
            await WriteAsync(sql, ct, parameters);
            return true;
        }
        catch (DbException ex) when (_dialect.IsUniqueViolation(ex))
        {
            return false;
        }
    }

    private async Task<int> WriteAsync(string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        await using var tx = await _dialect.BeginWriteAsync(connection, ct);
        var n = await JobStore.ExecuteAsync(connection, tx, sql, ct, parameters);
        await tx.CommitAsync(ct);
        return n;
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        await using var cmd = JobStore.Command(connection, null, sql, parameters);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(read(reader));
        return rows;
    }

    private static string? Str(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static bool Bool(DbDataReader r, int i) => Convert.ToBoolean(r.GetValue(i));

    private static DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(i)));

    private static IReadOnlyList<string> List(DbDataReader r, int i) => JsonSerializer.Deserialize<List<string>>(r.GetString(i)) ?? [];

    private static UserAccount ReadUser(DbDataReader r) => new()
    {
        Id = r.GetString(0), Username = r.GetString(1), PasswordHash = r.GetString(2), Role = r.GetString(3), FhirUser = Str(r, 4),
        Organization = Str(r, 5), Active = Bool(r, 6), Demo = Bool(r, 7), FailedLogins = Convert.ToInt32(r.GetValue(8)),
        LockedUntil = Time(r, 9), CreatedAt = Time(r, 10)!.Value,
    };

    private static ClientRegistration ReadClient(DbDataReader r) => new()
    {
        ClientId = r.GetString(0), Name = r.GetString(1), Kind = r.GetString(2), Jwks = Str(r, 3), RedirectUris = List(r, 4),
        PostLogoutRedirectUris = List(r, 5), Role = Str(r, 6), Organization = Str(r, 7), Scopes = r.GetString(8),
        Active = Bool(r, 9), Demo = Bool(r, 10), CreatedAt = Time(r, 11)!.Value,
    };

    private static AuthorizationCode ReadCode(DbDataReader r) => new()
    {
        CodeHash = r.GetString(0), ClientId = r.GetString(1), UserId = r.GetString(2), RedirectUri = r.GetString(3), Scope = r.GetString(4),
        CodeChallenge = r.GetString(5), Patient = Str(r, 6), ExpiresAt = Time(r, 7)!.Value, Used = Bool(r, 8),
    };

    private static RefreshTokenRecord ReadRefresh(DbDataReader r) => new()
    {
        TokenHash = r.GetString(0), FamilyId = r.GetString(1), ClientId = r.GetString(2), UserId = r.GetString(3), Scope = r.GetString(4),
        Patient = Str(r, 5), ExpiresAt = Time(r, 6)!.Value, Revoked = Bool(r, 7),
    };
}
