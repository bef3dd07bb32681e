using Microsoft.Extensions.Options;
using Shifo.Server.Security;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Passwords;

namespace Shifo.Server.Tests.Security;

/// <summary>The per-address limit and the growing account lock of <see cref="LoginThrottle"/>, over the real database.</summary>
public abstract partial class AuthServerTests
{
    [Fact]
    public async Task Failures_from_one_address_throttle_it_and_account_locks_grow_to_an_hour()
    {
        var options = Options.Create(new SecurityOptions { LoginFailuresPerAddress = 3, PasswordIterations = AuthSettings.Iterations });
        var throttle = new LoginThrottle(_auth.Accounts, new PasswordHasher(options), options, TimeProvider.System);
        var (user, password) = await _auth.AddUserAsync(AccessRole.Practitioner, "Practitioner/doc-6");

        for (var i = 0; i < 3; i++)
            Assert.Equal(LoginThrottle.Outcome.Refused, (await throttle.SignInAsync(AuthTestClient.Unique("nobody"), "guess", "192.0.2.7", CancellationToken.None)).Outcome);
        Assert.Equal(LoginThrottle.Outcome.AddressThrottled, (await throttle.SignInAsync(user.Username, password, "192.0.2.7", CancellationToken.None)).Outcome);
        var elsewhere = await throttle.SignInAsync(user.Username, password, "192.0.2.8", CancellationToken.None);
        Assert.Equal(LoginThrottle.Outcome.SignedIn, elsewhere.Outcome);
        Assert.Equal(user.Id, elsewhere.User!.Id);

        Assert.Null(throttle.LockFor(4));
        Assert.Equal(TimeSpan.FromMinutes(1), throttle.LockFor(5));
        Assert.Equal(TimeSpan.FromMinutes(2), throttle.LockFor(6));
        Assert.Equal(TimeSpan.FromMinutes(4), throttle.LockFor(7));
        Assert.Equal(TimeSpan.FromHours(1), throttle.LockFor(11));
        Assert.Equal(TimeSpan.FromHours(1), throttle.LockFor(500));
    }
}
