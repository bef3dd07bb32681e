using System.Security.Cryptography;
using System.Text;
using Shifo.Server.Security.Tokens;

namespace Shifo.Server.Security.AuthServer;

/// <summary>Random one-time values (codes, refresh tokens) and the SHA-256 hashes under which they are stored.</summary>
public static class Secrets
{
    /// <summary>256 random bits, base64url.</summary>
    public static string New() => Base64Url.Encode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>PKCE S256 (RFC 7636 §4.6): BASE64URL(SHA256(ASCII(verifier))) compared in constant time.</summary>
    public static bool PkceMatches(string verifier, string challenge)
    {
        if (verifier.Length is < 43 or > 128 || !verifier.All(IsUnreserved)) return false;
        var computed = Encoding.ASCII.GetBytes(Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
        return CryptographicOperations.FixedTimeEquals(computed, Encoding.ASCII.GetBytes(challenge));
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';
}
