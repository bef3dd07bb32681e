using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Shifo.Server.Security.Passwords;

/// <summary>
/// PBKDF2-HMAC-SHA256 password hashes as "pbkdf2-sha256$iterations$salt$hash" (salt 16 random bytes, hash 32 bytes,
/// both base64). The iterations travel in the string, so raising the default later leaves old hashes verifiable.
/// </summary>
public sealed class PasswordHasher(IOptions<SecurityOptions> options)
{
    public const string Prefix = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public string Hash(string password) => Hash(password, options.Value.PasswordIterations);

    public static string Hash(string password, int iterations)
    {
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations));
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return $"{Prefix}${iterations.ToString(CultureInfo.InvariantCulture)}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Whether the password matches; false for any malformed hash string. The comparison takes the same time wherever the bytes differ.</summary>
    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Prefix) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1) return false;
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        if (salt.Length == 0 || expected.Length == 0) return false;
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A hash of a random password, verified against when the username is unknown so that the answer takes as long as for a real user.</summary>
    public string DummyHash { get; } = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)), options.Value.PasswordIterations);
}
