using Microsoft.Extensions.Options;
using Shifo.Server.Security;
using Shifo.Server.Security.Passwords;

namespace Shifo.Server.Tests.Security;

public sealed class PasswordHasherTests
{
    [Fact]
    public void The_default_hash_is_pbkdf2_sha256_with_210000_iterations_a_16_byte_salt_and_a_32_byte_hash()
    {
        var hash = new PasswordHasher(Options.Create(new SecurityOptions())).Hash("correct horse battery staple");
        var parts = hash.Split('$');
        Assert.Equal(["pbkdf2-sha256", "210000"], parts[..2]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
        Assert.True(PasswordHasher.Verify("correct horse battery staple", hash));
        Assert.False(PasswordHasher.Verify("correct horse battery stapler", hash));
    }

    [Fact]
    public void Each_hash_has_its_own_salt_and_keeps_its_iterations()
    {
        var a = PasswordHasher.Hash("same password", 1000);
        var b = PasswordHasher.Hash("same password", 1000);
        Assert.NotEqual(a, b);
        Assert.StartsWith("pbkdf2-sha256$1000$", a);
        Assert.True(PasswordHasher.Verify("same password", a));
        Assert.True(PasswordHasher.Verify("same password", b));
        // a hash made with other iterations is verified with its own
        Assert.True(PasswordHasher.Verify("Ünïcödé пароль", PasswordHasher.Hash("Ünïcödé пароль", 1234)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain-text-password")]
    [InlineData("pbkdf2-sha256$abc$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$0$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$not base64$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$$")]
    [InlineData("sha1$1000$c2FsdA==$aGFzaA==")]
    public void Malformed_hashes_never_verify(string stored) => Assert.False(PasswordHasher.Verify("x", stored));
}
