using Microsoft.Extensions.Options;
using Shifo.Server.Security;
using Shifo.Storage.Accounts;

namespace Shifo.Server.Hosting;

/// <summary>Why a production server would not start; Program prints the message and exits non-zero.</summary>
public sealed class ProductionRefusedException(string message) : Exception(message);

/// <summary>
/// In production mode, stops the start (before demo data could be loaded) when anything meant only for trying Shifo
/// out is on: the demo option, security switched off, or demo users or clients left active in the database (their
/// passwords and keys were printed or written to disk).
/// </summary>
public sealed class ProductionGuard(IOptions<ServerOptions> server, IOptions<DemoOptions> demo, IOptions<SecurityOptions> security, AccountStore accounts)
    : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (!server.Value.Production) return;
        if (demo.Value.Enabled)
            throw new ProductionRefusedException("Shifo will not start: production mode (Server:Production, --production) and demo mode (Demo:Enabled, --demo) are both on.");
        if (!security.Value.Enabled)
            throw new ProductionRefusedException("Shifo will not start: production mode needs Security:Enabled=true.");
        var demoAccounts = await accounts.CountActiveDemoAccountsAsync(ct);
        if (demoAccounts > 0)
            throw new ProductionRefusedException($"Shifo will not start: production mode, but the database holds {demoAccounts} active demo user(s) or client(s). Start once without --production and --demo, then POST /auth/admin/demo/deactivate with an admin token.");
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
