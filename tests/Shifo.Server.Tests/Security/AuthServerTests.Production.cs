using Shifo.Server.Hosting;
using Shifo.Server.Security.Access;

namespace Shifo.Server.Tests.Security;

/// <summary>Production mode refuses to start while demo accounts are active in the database.</summary>
public abstract partial class AuthServerTests
{
    [Fact]
    public async Task Production_refuses_to_start_with_an_active_demo_user_in_the_database()
    {
        await _auth.AddUserAsync(AccessRole.Practitioner, "Practitioner/demo-x", demo: true);
        var settings = new Dictionary<string, string?>(server.Settings) { ["Server:Production"] = "true" };
        var app = ShifoServer.Build([], settings);
        var refused = await Assert.ThrowsAsync<ProductionRefusedException>(() => app.StartAsync());
        Assert.Contains("demo", refused.Message);
        await app.DisposeAsync();
    }
}
