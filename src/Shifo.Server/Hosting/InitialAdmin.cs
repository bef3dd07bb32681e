using Microsoft.Extensions.Options;
using Shifo.Server.Security;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Passwords;
using Shifo.Storage.Accounts;

namespace Shifo.Server.Hosting;

/// <summary>
/// The first administrator of a new installation: with Security:InitialAdmin:Username and :Password set (environment
/// SHIFO_Security__InitialAdmin__Password, from a secret store), an admin account is made at start when the database
/// has no active admin yet; with one present, the settings are ignored (an admin changes passwords through /auth/admin).
/// The password is never logged. Not a demo account, so production mode accepts it.
/// </summary>
public sealed class InitialAdmin(IOptions<SecurityOptions> options, AccountStore accounts, PasswordHasher hasher, TimeProvider time, ILogger<InitialAdmin> log)
    : IHostedService
{
    public const int MinimumPasswordLength = 12;

    public async Task StartAsync(CancellationToken ct)
    {
        var wanted = options.Value.InitialAdmin;
        if (string.IsNullOrEmpty(wanted.Username) && string.IsNullOrEmpty(wanted.Password)) return;
        if (string.IsNullOrWhiteSpace(wanted.Username) || string.IsNullOrEmpty(wanted.Password))
            throw new InvalidOperationException("Security:InitialAdmin needs both Username and Password.");
        if (wanted.Password.Length < MinimumPasswordLength)
            throw new InvalidOperationException($"Security:InitialAdmin:Password must have at least {MinimumPasswordLength} characters.");
        var users = await accounts.ListUsersAsync(ct);
        if (users.Any(u => u.Active && u.Role == AccessRole.Admin.ToClaim())) return;
        if (users.Any(u => u.Username == wanted.Username))
            throw new InvalidOperationException($"Security:InitialAdmin: a user named '{wanted.Username}' exists and is not an active admin; choose another name.");
        await accounts.AddUserAsync(new UserAccount
        {
            Id = "admin-" + Guid.CreateVersion7().ToString("N")[..12],
            Username = wanted.Username,
            PasswordHash = hasher.Hash(wanted.Password),
            Role = AccessRole.Admin.ToClaim(),
            CreatedAt = time.GetUtcNow(),
        }, ct);
        log.LogWarning("Created the initial administrator account '{Username}'; remove Security:InitialAdmin from the configuration now.", wanted.Username);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
