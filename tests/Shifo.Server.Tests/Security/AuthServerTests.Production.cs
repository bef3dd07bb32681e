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
        var settings = new Dictionary<string, string?>(server.Settings) { ["Server:Production"] = "true", ["Security:Enabled"] = "true" };
        var app = ShifoServer.Build([], settings);
        var refused = await Assert.ThrowsAsync<ProductionRefusedException>(() => app.StartAsync());
        Assert.Contains("demo", refused.Message);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_deactivates_the_demo_accounts_which_then_cannot_sign_in()
    {
        var (user, password) = await _auth.AddUserAsync(AccessRole.Practitioner, "Practitioner/demo-y", demo: true);
        var client = await _auth.AddPublicClientAsync();
        var (verifier, challenge) = AuthTestClient.Pkce();
        var refresh = (string)(await AuthTestClient.JsonAsync(await _auth.ExchangeAsync(client,
            await _auth.CodeAsync(client, user.Username, password, challenge, "user/*.rs"), verifier)))["refresh_token"]!;

        using var request = new HttpRequestMessage(HttpMethod.Post, "auth/admin/demo/deactivate");
        request.Headers.Authorization = new("Bearer", await _auth.IssueAsync(AccessRole.Admin));
        var response = await Client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.True((int)(await AuthTestClient.JsonAsync(response))["deactivated"]! >= 1);
        Assert.Equal(0, await _auth.Accounts.CountActiveDemoAccountsAsync(CancellationToken.None));
        Assert.False((await _auth.Accounts.FindUserAsync(user.Id, CancellationToken.None))!.Active);
        Assert.Equal("invalid_grant", await AuthTestClient.ErrorAsync(await _auth.RefreshAsync(client, refresh), System.Net.HttpStatusCode.BadRequest));

        using var browser = _auth.NewBrowser();
        var page = await browser.GetAsync(_auth.AuthorizeUrl(client, challenge, "user/*.rs"));
        var signIn = await AuthTestClient.SignInAsync(browser, AuthTestClient.FormToken(await page.Content.ReadAsStringAsync()), user.Username, password);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, signIn.StatusCode);
    }
}
