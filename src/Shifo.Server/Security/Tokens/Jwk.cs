using System.Security.Cryptography;
using System.Text.Json;

namespace Shifo.Server.Security.Tokens;

/// <summary>Public keys as JSON Web Keys (RFC 7517): RSA (n, e) and EC P-256/P-384 (crv, x, y).</summary>
public static class Jwk
{
    public static Dictionary<string, object?> FromPublicKey(AsymmetricAlgorithm key, string kid, string algorithm)
    {
        var jwk = new Dictionary<string, object?> { ["kid"] = kid, ["alg"] = algorithm, ["use"] = "sig" };
        switch (key)
        {
            case RSA rsa:
                var p = rsa.ExportParameters(false);
                jwk["kty"] = "RSA";
                jwk["n"] = Base64Url.Encode(p.Modulus);
                jwk["e"] = Base64Url.Encode(p.Exponent);
                break;
            case ECDsa ec:
                var q = ec.ExportParameters(false);
                jwk["kty"] = "EC";
                jwk["crv"] = ec.KeySize == 256 ? "P-256" : ec.KeySize == 384 ? "P-384" : throw new ArgumentException("Only P-256 and P-384 keys are supported.");
                jwk["x"] = Base64Url.Encode(q.Q.X);
                jwk["y"] = Base64Url.Encode(q.Q.Y);
                break;
            default:
                throw new ArgumentException("Only RSA and EC keys are supported.", nameof(key));
        }
        return jwk;
    }

    /// <summary>The public key of one JWK; null (with the reason) when it is not an RSA or P-256/P-384 EC public key.</summary>
    public static AsymmetricAlgorithm? ToPublicKey(JsonElement jwk, out string? error)
    {
        error = null;
        string? Str(string name) => jwk.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        byte[]? Bytes(string name) => Str(name) is { } s && Base64Url.TryDecode(s, out var b) && b.Length > 0 ? b : null;
        if (jwk.ValueKind != JsonValueKind.Object) { error = "a key is not a JSON object"; return null; }
        if (jwk.TryGetProperty("d", out _)) { error = "a key carries private parts (d); register public keys only"; return null; }
        try
        {
            switch (Str("kty"))
            {
                case "RSA":
                    if (Bytes("n") is not { } n || Bytes("e") is not { } e) { error = "an RSA key needs n and e"; return null; }
                    var rsa = RSA.Create();
                    rsa.ImportParameters(new RSAParameters { Modulus = n, Exponent = e });
                    if (rsa.KeySize < 2048) { error = "RSA keys must have at least 2048 bits"; return null; }
                    return rsa;
                case "EC":
                    var curve = Str("crv") switch
                    {
                        "P-256" => ECCurve.NamedCurves.nistP256,
                        "P-384" => ECCurve.NamedCurves.nistP384,
                        _ => (ECCurve?)null,
                    };
                    if (curve is null) { error = "EC keys must be on P-256 or P-384"; return null; }
                    if (Bytes("x") is not { } x || Bytes("y") is not { } y) { error = "an EC key needs x and y"; return null; }
                    return ECDsa.Create(new ECParameters { Curve = curve.Value, Q = new ECPoint { X = x, Y = y } });
                default:
                    error = "kty must be RSA or EC";
                    return null;
            }
        }
        catch (CryptographicException)
        {
            error = "the key's numbers are not a valid public key";
            return null;
        }
    }
}
