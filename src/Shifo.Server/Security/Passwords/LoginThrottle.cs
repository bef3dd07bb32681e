using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Shifo.Storage.Accounts;

namespace Shifo.Server.Security.Passwords;

/// <summary>
/// Slows password guessing two ways. Per user, in the database (so every node sees it): after
/// <see cref="SecurityOptions.LoginFailuresBeforeLock"/> failures the account is locked for one minute, doubling with
/// each further failure up to an hour. Per client address, in memory: at most
/// <see cref="SecurityOptions.LoginFailuresPerAddress"/> failures in ten minutes, whatever usernames they tried.
/// </summary>
public sealed class LoginThrottle(AccountStore accounts, PasswordHasher hasher, IOptions<SecurityOptions> options, TimeProvider time)
{
    private static readonly TimeSpan AddressWindow = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan FirstLock = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestLock = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failuresByAddress = new(StringComparer.Ordinal);

    public enum Outcome { SignedIn, Refused, AddressThrottled }

    /// <summary>
    /// Checks a sign-in. An unknown user, an inactive or locked one and a wrong password all give Refused, after the
    /// same PBKDF2 work, so the answer tells nothing about which.
    /// </summary>
    public async Task<(Outcome Outcome, UserAccount? User)> SignInAsync(string username, string password, string address, CancellationToken ct)
    {
        if (AddressBlocked(address)) return (Outcome.AddressThrottled, null);
        var now = time.GetUtcNow();
        var user = username.Length == 0 ? null : await accounts.FindUserByNameAsync(username, ct);
        var matches = PasswordHasher.Verify(password, user?.PasswordHash ?? hasher.DummyHash);
        if (user is null || !user.Active)
        {
            NoteAddressFailure(address, now);
            return (Outcome.Refused, null);
        }
        if (user.LockedUntil is { } until && until > now)
        {
            // a locked account is not tried and its lock not extended: guessing during the lock is simply wasted
            NoteAddressFailure(address, now);
            return (Outcome.Refused, null);
        }
        if (!matches)
        {
            NoteAddressFailure(address, now);
            var failures = user.FailedLogins + 1;
            await accounts.SetLoginStateAsync(user.Id, failures, LockFor(failures) is { } lockTime ? now + lockTime : null, ct);
            return (Outcome.Refused, null);
        }
        if (user.FailedLogins != 0 || user.LockedUntil is not null) await accounts.SetLoginStateAsync(user.Id, 0, null, ct);
        return (Outcome.SignedIn, user);
    }

    /// <summary>How long the account is locked after this many consecutive failures; null below the threshold.</summary>
    public TimeSpan? LockFor(int failures)
    {
        var over = failures - options.Value.LoginFailuresBeforeLock;
        if (over < 0) return null;
        var minutes = FirstLock.TotalMinutes * Math.Pow(2, Math.Min(over, 10));
        return TimeSpan.FromMinutes(Math.Min(minutes, LongestLock.TotalMinutes));
    }

    private bool AddressBlocked(string address)
    {
        if (!_failuresByAddress.TryGetValue(address, out var failures)) return false;
        lock (failures)
        {
            Prune(failures, time.GetUtcNow());
            return failures.Count >= options.Value.LoginFailuresPerAddress;
        }
    }

    private void NoteAddressFailure(string address, DateTimeOffset now)
    {
        var failures = _failuresByAddress.GetOrAdd(address, _ => new Queue<DateTimeOffset>());
        lock (failures)
        {
            Prune(failures, now);
            failures.Enqueue(now);
        }
        // keep memory bounded under a spray from many addresses
        if (_failuresByAddress.Count > 100_000) _failuresByAddress.Clear();
    }

    private static void Prune(Queue<DateTimeOffset> failures, DateTimeOffset now)
    {
        while (failures.Count > 0 && now - failures.Peek() > AddressWindow) failures.Dequeue();
    }
}
