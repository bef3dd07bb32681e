using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Shifo.Server.Security.Tokens;

namespace Shifo.Server.Tests.Security;

public sealed class JwsTests
{
    private static readonly Dictionary<string, object?> Payload = new() { ["sub"] = "x", ["n"] = 1 };

    [Theory]
    [InlineData("RS256")]
    [InlineData("RS384")]
    [InlineData("ES256")]
    [InlineData("ES384")]
    public void Each_supported_algorithm_signs_and_verifies(string alg)
    {
        using var key = KeyFor(alg);
        var token = Jws.Sign(new Dictionary<string, object?>(), Payload, key, alg, "kid-1");
        Assert.True(Jws.TryRead(token, out var header, out var payload));
        Assert.Equal(alg, header.GetProperty("alg").GetString());
        Assert.Equal("kid-1", header.GetProperty("kid").GetString());
        Assert.Equal("x", payload.GetProperty("sub").GetString());
        Assert.True(Jws.VerifySignature(token, key, alg));

        using var other = KeyFor(alg);
        Assert.False(Jws.VerifySignature(token, other, alg));
    }

    [Fact]
    public void A_signature_never_verifies_under_another_algorithm_or_kind_of_key()
    {
        using var rsa = RSA.Create(2048);
        using var ec384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var rs = Jws.Sign(new Dictionary<string, object?>(), Payload, rsa, "RS384", null);
        Assert.False(Jws.VerifySignature(rs, rsa, "RS256"));
        Assert.False(Jws.VerifySignature(rs, ec384, "RS384"));
        Assert.False(Jws.VerifySignature(rs, rsa, "HS256"));
        Assert.False(Jws.VerifySignature(rs, rsa, "none"));
        Assert.False(Jws.VerifySignature(rs, rsa, "PS384"));
        var es = Jws.Sign(new Dictionary<string, object?>(), Payload, ec384, "ES384", null);
        using var ec256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.False(Jws.VerifySignature(es, ec256, "ES384"));
        Assert.False(Jws.VerifySignature(es, ec384, "ES256"));
    }

    [Fact]
    public void Small_rsa_keys_and_altered_tokens_do_not_verify()
    {
        using var small = RSA.Create(1024);
        var token = Jws.Sign(new Dictionary<string, object?>(), Payload, small, "RS256", null);
        Assert.False(Jws.VerifySignature(token, small, "RS256"));

        using var rsa = RSA.Create(2048);
        var good = Jws.Sign(new Dictionary<string, object?>(), Payload, rsa, "RS256", null);
        var parts = good.Split('.');
        var altered = parts[0] + "." + Base64Url.Encode(Encoding.UTF8.GetBytes("{\"sub\":\"admin\",\"n\":1}")) + "." + parts[2];
        Assert.False(Jws.VerifySignature(altered, rsa, "RS256"));
        Assert.False(Jws.VerifySignature(parts[0] + "." + parts[1] + ".", rsa, "RS256"));
        Assert.False(Jws.VerifySignature(parts[0] + "." + parts[1] + ".!!!", rsa, "RS256"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData(".e30.")]
    [InlineData("e30..sig")]
    [InlineData("bm90IGpzb24.e30.sig")] // "not json"
    [InlineData("WzFd.e30.sig")] // [1]: JSON but not an object
    public void Malformed_tokens_are_not_read(string token) => Assert.False(Jws.TryRead(token, out _, out _));

    [Fact]
    public void Jwk_round_trips_public_keys_and_refuses_private_or_weak_ones()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var jwk = JsonSerializer.SerializeToElement(Jwk.FromPublicKey(ec, "k", "ES384"));
        using var back = Jwk.ToPublicKey(jwk, out var error);
        Assert.Null(error);
        var token = Jws.Sign(new Dictionary<string, object?>(), Payload, ec, "ES384", "k");
        Assert.True(Jws.VerifySignature(token, back!, "ES384"));

        var withD = JsonSerializer.SerializeToElement(new Dictionary<string, object?>(Jwk.FromPublicKey(ec, "k", "ES384")) { ["d"] = "AAAA" });
        Assert.Null(Jwk.ToPublicKey(withD, out error));
        Assert.Contains("private", error);
        using var small = RSA.Create(1024);
        Assert.Null(Jwk.ToPublicKey(JsonSerializer.SerializeToElement(Jwk.FromPublicKey(small, "s", "RS256")), out error));
        Assert.Null(Jwk.ToPublicKey(JsonSerializer.SerializeToElement(new { kty = "oct", k = "c2VjcmV0" }), out _));
        Assert.Null(Jwk.ToPublicKey(JsonSerializer.SerializeToElement(new { kty = "EC", crv = "P-521", x = "AA", y = "AA" }), out _));
    }

    private static AsymmetricAlgorithm KeyFor(string alg) => alg switch
    {
        "RS256" or "RS384" => RSA.Create(2048),
        "ES256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        _ => ECDsa.Create(ECCurve.NamedCurves.nistP384),
    };
}
