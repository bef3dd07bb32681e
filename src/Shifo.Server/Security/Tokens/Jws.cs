using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Shifo.Server.Security.Tokens;

/// <summary>
/// Compact JWS (RFC 7515) with the asymmetric algorithms SMART asks for: RS256, RS384, ES256, ES384. Nothing else
/// verifies: not "none", not HMAC (whose key a client could take from a published RSA key), not a key of the wrong
/// kind or curve for the algorithm, not RSA keys under 2048 bits.
/// </summary>
public static class Jws
{
    public static readonly IReadOnlySet<string> Algorithms = new HashSet<string>(StringComparer.Ordinal) { "RS256", "RS384", "ES256", "ES384" };

    /// <summary>Signs header (alg and kid are set here) and payload.</summary>
    public static string Sign(IDictionary<string, object?> header, IDictionary<string, object?> payload, AsymmetricAlgorithm key, string algorithm, string? kid)
    {
        var h = new Dictionary<string, object?>(header) { ["alg"] = algorithm };
        if (kid is not null) h["kid"] = kid;
        var signingInput = Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(h)) + "." + Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = SignBytes(Encoding.ASCII.GetBytes(signingInput), key, algorithm);
        return signingInput + "." + Base64Url.Encode(signature);
    }

    /// <summary>
    /// Splits a compact JWS into its decoded header and payload without checking the signature (to find the key).
    /// False when it is not three base64url parts with JSON objects in the first two.
    /// </summary>
    public static bool TryRead(string token, out JsonElement header, out JsonElement payload)
    {
        header = default;
        payload = default;
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0) return false;
        if (!Base64Url.TryDecode(parts[0], out var h) || !Base64Url.TryDecode(parts[1], out var p)) return false;
        try
        {
            header = JsonDocument.Parse(h).RootElement;
            payload = JsonDocument.Parse(p).RootElement;
        }
        catch (JsonException)
        {
            return false;
        }
        return header.ValueKind == JsonValueKind.Object && payload.ValueKind == JsonValueKind.Object;
    }

    /// <summary>Whether the token's signature was made with <paramref name="algorithm"/> by the private half of <paramref name="key"/>.</summary>
    public static bool VerifySignature(string token, AsymmetricAlgorithm key, string algorithm)
    {
        if (!Algorithms.Contains(algorithm)) return false;
        var lastDot = token.LastIndexOf('.');
        if (lastDot < 0 || !Base64Url.TryDecode(token[(lastDot + 1)..], out var signature)) return false;
        var data = Encoding.ASCII.GetBytes(token[..lastDot]);
        return algorithm switch
        {
            "RS256" => key is RSA rsa && rsa.KeySize >= 2048 && rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "RS384" => key is RSA rsa && rsa.KeySize >= 2048 && rsa.VerifyData(data, signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "ES256" => key is ECDsa ec && ec.KeySize == 256 && ec.VerifyData(data, signature, HashAlgorithmName.SHA256),
            "ES384" => key is ECDsa ec && ec.KeySize == 384 && ec.VerifyData(data, signature, HashAlgorithmName.SHA384),
            _ => false,
        };
    }

    private static byte[] SignBytes(byte[] data, AsymmetricAlgorithm key, string algorithm) => algorithm switch
    {
        "RS256" => ((RSA)key).SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        "RS384" => ((RSA)key).SignData(data, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
        "ES256" => ((ECDsa)key).SignData(data, HashAlgorithmName.SHA256),
        "ES384" => ((ECDsa)key).SignData(data, HashAlgorithmName.SHA384),
        _ => throw new ArgumentException($"Algorithm {algorithm} is not supported.", nameof(algorithm)),
    };
}
