using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shifo.Server.Security;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Tokens;

namespace Shifo.Server.Tests.Security;

/// <summary>
/// What remembering verified tokens must not change: a remembered token still expires on time, any other token
/// (one character of its signature or payload changed) is checked afresh and refused, a refusal is not remembered,
/// and a token is accepted only under the base URL it was issued for.
/// </summary>
public abstract partial class AuthServerTests
{
    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private (AccessTokenValidator Validator, SettableClock Clock, SecurityOptions Options) FreshValidator()
    {
        var options = server.Services.GetRequiredService<IOptions<SecurityOptions>>();
        var clock = new SettableClock(DateTimeOffset.UtcNow);
        var ring = new SigningKeyRing(new Shifo.Server.Security.Accounts.DatabaseSigningKeyStore(_auth.Accounts), options, TimeProvider.System);
        return (new AccessTokenValidator(ring, options, clock), clock, options.Value);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_once_it_expires()
    {
        var (validator, clock, options) = FreshValidator();
        var token = await _auth.IssueAsync(AccessRole.Practitioner);
        var first = await validator.ValidateAsync(token, server.BaseUrl, CancellationToken.None);
        Assert.NotNull(first.Access);
        Assert.NotNull((await validator.ValidateAsync(token, server.BaseUrl, CancellationToken.None)).Access);

        clock.Now = first.Access!.ExpiresAt + options.ClockSkew - TimeSpan.FromSeconds(1);
        Assert.NotNull((await validator.ValidateAsync(token, server.BaseUrl, CancellationToken.None)).Access);
        clock.Now = first.Access.ExpiresAt + options.ClockSkew;
        var expired = await validator.ValidateAsync(token, server.BaseUrl, CancellationToken.None);
        Assert.Null(expired.Access);
        Assert.Contains("expired", expired.Error);
    }

    [Fact]
    public async Task A_token_differing_from_a_remembered_one_in_one_character_is_checked_and_refused()
    {
        var (validator, _, _) = FreshValidator();
        var token = await _auth.IssueAsync(AccessRole.Practitioner);
        Assert.NotNull((await validator.ValidateAsync(token, server.BaseUrl, CancellationToken.None)).Access);

        var payloadAt = token.IndexOf('.') + 5;
        var forgedSignature = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
        var forgedPayload = token[..payloadAt] + (token[payloadAt] == 'A' ? 'B' : 'A') + token[(payloadAt + 1)..];
        var longer = token + "A";
        foreach (var forged in new[] { forgedSignature, forgedPayload, longer, token[..^1] })
        {
            // twice: a refusal is not remembered as anything else either
            Assert.Null((await validator.ValidateAsync(forged, server.BaseUrl, CancellationToken.None)).Access);
            Assert.Null((await validator.ValidateAsync(forged, server.BaseUrl, CancellationToken.None)).Access);
        }
        Assert.NotNull((await validator.ValidateAsync(token, server.BaseUrl, CancellationToken.None)).Access);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_under_another_base_url_and_read_in_place_from_a_header()
    {
        var (validator, _, _) = FreshValidator();
        var token = await _auth.IssueAsync(AccessRole.Practitioner);
        var header = "Bearer " + token;
        Assert.NotNull((await validator.ValidateAsync(header.AsMemory(7), server.BaseUrl, CancellationToken.None)).Access);
        Assert.NotNull((await validator.ValidateAsync(header.AsMemory(7), server.BaseUrl, CancellationToken.None)).Access);

        var elsewhere = await validator.ValidateAsync(token, "http://another-name.example", CancellationToken.None);
        Assert.Null(elsewhere.Access);
        Assert.NotNull((await validator.ValidateAsync(token, server.BaseUrl, CancellationToken.None)).Access);
        // a slice that is a token's prefix is another token
        Assert.Null((await validator.ValidateAsync(header.AsMemory(7, token.Length - 1), server.BaseUrl, CancellationToken.None)).Access);
    }
}
