using Shifo.Storage.Relational;

namespace Shifo.Storage.Accounts;

/// <summary>
/// The authorization server's tables, the same DDL in both dialects (SQLite reads BIGINT as INTEGER and BOOLEAN as
/// 0/1). Codes and refresh tokens are kept only as SHA-256 hashes: a copy of the database grants nothing. Signing
/// keys are base64 PKCS#8 text so that the column type is the same everywhere.
/// </summary>
internal static class AccountSchema
{
    public static Migration Migration(int version) => new(version, "authorization server: users, clients, signing keys, codes, refresh tokens, assertion ids",
    [
        """
        CREATE TABLE auth_user (
            user_id TEXT NOT NULL PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, role TEXT NOT NULL,
            fhir_user TEXT NULL, organization TEXT NULL, active BOOLEAN NOT NULL, demo BOOLEAN NOT NULL,
            failed_logins INTEGER NOT NULL, locked_until BIGINT NULL, created_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE auth_client (
            client_id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, jwks TEXT NULL, redirect_uris TEXT NOT NULL,
            post_logout_redirect_uris TEXT NOT NULL, role TEXT NULL, organization TEXT NULL, scopes TEXT NOT NULL,
            active BOOLEAN NOT NULL, demo BOOLEAN NOT NULL, created_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE auth_signing_key (
            kid TEXT NOT NULL PRIMARY KEY, algorithm TEXT NOT NULL, private_key TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE auth_code (
            code_hash TEXT NOT NULL PRIMARY KEY, client_id TEXT NOT NULL, user_id TEXT NOT NULL, redirect_uri TEXT NOT NULL,
            scope TEXT NOT NULL, code_challenge TEXT NOT NULL, patient TEXT NULL, expires_at BIGINT NOT NULL, used BOOLEAN NOT NULL)
        """,
        """
        CREATE TABLE auth_refresh_token (
            token_hash TEXT NOT NULL PRIMARY KEY, family_id TEXT NOT NULL, client_id TEXT NOT NULL, user_id TEXT NOT NULL,
            scope TEXT NOT NULL, patient TEXT NULL, expires_at BIGINT NOT NULL, revoked BOOLEAN NOT NULL)
        """,
        "CREATE INDEX auth_refresh_token_family ON auth_refresh_token (family_id)",
        "CREATE INDEX auth_refresh_token_user ON auth_refresh_token (user_id, client_id)",
        """
        CREATE TABLE auth_assertion_jti (
            client_id TEXT NOT NULL, jti TEXT NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (client_id, jti))
        """,
        "CREATE INDEX auth_assertion_jti_expiry ON auth_assertion_jti (expires_at)",
    ]);
}
