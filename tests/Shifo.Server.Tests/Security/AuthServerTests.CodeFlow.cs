using System.Net;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Scopes;

namespace Shifo.Server.Tests.Security;

/// <summary>Authorization code with PKCE through the real sign-in page, refresh rotation, sign-in throttling, revocation and logout.</summary>
public abstract partial class AuthServerTests
{
    [Fact]
    public async Task A_citizen_signs_in_through_the_form_and_gets_a_token_bound_to_their_record()
    {
        var (user, password) = await _auth.AddUserAsync(AccessRole.Citizen, fhirUser: "Patient/cit-1");
        var client = await _auth.AddPublicClientAsync();
        var (verifier, challenge) = AuthTestClient.Pkce();
        var code = await _auth.CodeAsync(client, user.Username, password, challenge,
            "launch/patient openid fhirUser offline_access patient/Observation.rs patient/Consent.cruds user/*.cruds patient/Observation.rs?category=lab");

        var response = await _auth.ExchangeAsync(client, code, verifier);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var json = await AuthTestClient.JsonAsync(response);
        Assert.Equal("Bearer", (string?)json["token_type"]);
        Assert.Equal("cit-1", (string?)json["patient"]);
        Assert.False(string.IsNullOrEmpty((string?)json["refresh_token"]));
        // user/*.cruds is not a citizen's; a scope with a query constraint is not understood and so not granted
        Assert.Equal("launch/patient openid fhirUser offline_access patient/Observation.rs patient/Consent.cruds", (string?)json["scope"]);

        var access = await _auth.ValidateAsync((string)json["access_token"]!);
        Assert.Equal(AccessRole.Citizen, access.Role);
        Assert.Equal(user.Id, access.Subject);
        Assert.Equal(client.ClientId, access.ClientId);
        Assert.Equal("Patient/cit-1", access.FhirUser);
        Assert.Equal("cit-1", access.Patient);
        Assert.True(access.Scopes.Allows(ScopeContext.Patient, "Observation", ScopeActions.Read | ScopeActions.Search));
        Assert.False(access.Scopes.Allows(ScopeContext.User, "Observation", ScopeActions.Read));
    }

    [Fact]
    public async Task A_practitioner_gets_user_scopes_and_organization()
    {
        var (user, password) = await _auth.AddUserAsync(AccessRole.Practitioner, "Practitioner/doc-1", "Organization/hosp-1");
        var client = await _auth.AddPublicClientAsync();
        var (verifier, challenge) = AuthTestClient.Pkce();
        var code = await _auth.CodeAsync(client, user.Username, password, challenge, "user/Patient.rs user/Observation.cruds patient/*.rs");
        var json = await AuthTestClient.JsonAsync(await _auth.ExchangeAsync(client, code, verifier));
        Assert.Equal("user/Patient.rs user/Observation.cruds", (string?)json["scope"]);
        Assert.Null(json["patient"]);
        var access = await _auth.ValidateAsync((string)json["access_token"]!);
        Assert.Equal(AccessRole.Practitioner, access.Role);
        Assert.Equal("Practitioner/doc-1", access.FhirUser);
        Assert.Equal("Organization/hosp-1", access.Organization);
    }

    [Fact]
    public async Task A_wrong_verifier_or_redirect_is_invalid_grant_and_a_reused_code_revokes_its_tokens()
    {
        var (user, password) = await _auth.AddUserAsync(AccessRole.Practitioner, "Practitioner/doc-2");
        var client = await _auth.AddPublicClientAsync();
        var (verifier, challenge) = AuthTestClient.Pkce();

        var code = await _auth.CodeAsync(client, user.Username, password, challenge, "user/*.rs");
        var wrong = await _auth.ExchangeAsync(client, code, AuthTestClient.Pkce().Verifier);
        Assert.Equal("invalid_grant", await AuthTestClient.ErrorAsync(wrong, HttpStatusCode.BadRequest));
        // the failed attempt used the code up
        Assert.Equal("invalid_grant", await AuthTestClient.ErrorAsync(await _auth.ExchangeAsync(client, code, verifier), HttpStatusCode.BadRequest));

        var code2 = await _auth.CodeAsync(client, user.Username, password, challenge, "user/*.rs");
        var first = await AuthTestClient.JsonAsync(await _auth.ExchangeAsync(client, code2, verifier));
        var refresh = (string)first["refresh_token"]!;
        var reused = await _auth.ExchangeAsync(client, code2, verifier);
        Assert.Equal("invalid_grant", await AuthTestClient.ErrorAsync(reused, HttpStatusCode.BadRequest));
        // the refresh token issued from the reused code no longer works
        Assert.Equal("invalid_grant", await AuthTestClient.ErrorAsync(await _auth.RefreshAsync(client, refresh), HttpStatusCode.BadRequest));

        var code3 = await _auth.CodeAsync(client, user.Username, password, challenge, "user/*.rs");
        var otherRedirect = await AuthTestClient.PostFormAsync(Client, "auth/token", ("grant_type", "authorization_code"), ("code", code3),
            ("client_id", client.ClientId), ("redirect_uri", "https://evil.example/cb"), ("code_verifier", verifier));
        Assert.Equal("invalid_grant", await AuthTestClient.ErrorAsync(otherRedirect, HttpStatusCode.BadRequest));

        var unknown = await _auth.ExchangeAsync(client, "no-such-code", verifier);
        Assert.Equal("invalid_grant", await AuthTestClient.ErrorAsync(unknown, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Refresh_tokens_rotate_and_reuse_of_an_old_one_revokes_the_family()
    {
        var (user, password) = await _auth.AddUserAsync(AccessRole.Pharmacist, "Practitioner/ph-1", "Organization/pharm-1");
        var client = await _auth.AddPublicClientAsync();
        var (verifier, challenge) = AuthTestClient.Pkce();
        var code = await _auth.CodeAsync(client, user.Username, password, challenge, "user/MedicationDispense.cruds user/Patient.rs user/Patient.cud offline_access");
        var first = await AuthTestClient.JsonAsync(await _auth.ExchangeAsync(client, code, verifier));
        Assert.Equal("user/MedicationDispense.cruds user/Patient.rs offline_access", (string?)first["scope"]);
        var r1 = (string)first["refresh_token"]!;

        var second = await _auth.RefreshAsync(client, r1);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("no-store", second.Headers.CacheControl?.ToString());
        var secondJson = await AuthTestClient.JsonAsync(second);
        var r2 = (string)secondJson["refresh_token"]!;
        Assert.NotEqual(r1, r2);
        Assert.Equal(AccessRole.Pharmacist, (await _auth.ValidateAsync((string)secondJson["access_token"]!)).Role);

        var r3 = (string)(await AuthTestClient.JsonAsync(await _auth.RefreshAsync(client, r2)))["refresh_token"]!;
        // r1 was rotated away: presenting it again is theft, and the newest token of the family dies with it
        Assert.Equal("invalid_grant", await AuthTestClient.ErrorAsync(await _auth.RefreshAsync(client, r1), HttpStatusCode.BadRequest));
        Assert.Equal("invalid_grant", await AuthTestClient.ErrorAsync(await _auth.RefreshAsync(client, r3), HttpStatusCode.BadRequest));

        var otherClient = await _auth.AddPublicClientAsync();
        var code2 = await _auth.CodeAsync(client, user.Username, password, challenge, "user/Patient.rs");
        var r4 = (string)(await AuthTestClient.JsonAsync(await _auth.ExchangeAsync(client, code2, verifier)))["refresh_token"]!;
        Assert.Equal("invalid_grant", await AuthTestClient.ErrorAsync(await _auth.RefreshAsync(otherClient, r4), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task The_sixth_sign_in_after_five_failures_is_refused_even_with_the_right_password()
    {
        var (user, password) = await _auth.AddUserAsync(AccessRole.Practitioner, "Practitioner/doc-3");
        var client = await _auth.AddPublicClientAsync();
        var (_, challenge) = AuthTestClient.Pkce();
        using var browser = _auth.NewBrowser();
        var page = await browser.GetAsync(_auth.AuthorizeUrl(client, challenge, "user/*.rs"));
        var formToken = AuthTestClient.FormToken(await page.Content.ReadAsStringAsync());

        string? wrongPasswordPage = null;
        for (var i = 0; i < 5; i++)
        {
            var failed = await AuthTestClient.SignInAsync(browser, formToken, user.Username, "wrong-password-" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
            wrongPasswordPage = await failed.Content.ReadAsStringAsync();
            Assert.Contains("role=\"alert\"", wrongPasswordPage);
            Assert.DoesNotContain("wrong-password-", wrongPasswordPage);
        }
        var locked = await AuthTestClient.SignInAsync(browser, formToken, user.Username, password);
        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Equal(wrongPasswordPage, await locked.Content.ReadAsStringAsync());
        var unknown = await AuthTestClient.SignInAsync(browser, formToken, AuthTestClient.Unique("ghost"), password);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);

        var stored = await _auth.Accounts.FindUserAsync(user.Id, CancellationToken.None);
        Assert.Equal(5, stored!.FailedLogins);
        Assert.InRange(stored.LockedUntil!.Value - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1.1));
    }

    [Fact]
    public async Task The_sign_in_form_is_bound_to_its_browser_and_cannot_be_forged()
    {
        var (user, password) = await _auth.AddUserAsync(AccessRole.Practitioner, "Practitioner/doc-4");
        var client = await _auth.AddPublicClientAsync();
        var (_, challenge) = AuthTestClient.Pkce();
        using var browser = _auth.NewBrowser();
        var page = await browser.GetAsync(_auth.AuthorizeUrl(client, challenge, "user/*.rs"));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType?.ToString());
        Assert.Contains("<label for=\"password\">", html);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        var formToken = AuthTestClient.FormToken(html);

        // another browser (no cookie) posting the token: a cross-site form post looks like this
        using var attacker = _auth.NewBrowser();
        var stolen = await AuthTestClient.SignInAsync(attacker, formToken, user.Username, password);
        Assert.Equal(HttpStatusCode.BadRequest, stolen.StatusCode);

        var parts = formToken.Split('.');
        var altered = parts[0] + "." + parts[1][..^2] + "AA." + parts[2];
        Assert.Equal(HttpStatusCode.BadRequest, (await AuthTestClient.SignInAsync(browser, altered, user.Username, password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AuthTestClient.SignInAsync(browser, formToken, user.Username, password)).StatusCode);
    }

    [Fact]
    public async Task Bad_authorization_requests_get_a_page_or_an_error_redirect()
    {
        var client = await _auth.AddPublicClientAsync();
        var (_, challenge) = AuthTestClient.Pkce();
        using var browser = _auth.NewBrowser();

        var unknownClient = await browser.GetAsync(_auth.AuthorizeUrl(client with { ClientId = "nobody-here" }, challenge, "user/*.rs"));
        Assert.Equal(HttpStatusCode.BadRequest, unknownClient.StatusCode);
        Assert.Equal("text/html; charset=utf-8", unknownClient.Content.Headers.ContentType?.ToString());
        var badRedirect = await browser.GetAsync(_auth.AuthorizeUrl(client with { RedirectUris = ["https://evil.example/cb"] }, challenge, "user/*.rs"));
        Assert.Equal(HttpStatusCode.BadRequest, badRedirect.StatusCode);
        Assert.Null(badRedirect.Headers.Location);

        var wrongAud = await browser.GetAsync(_auth.AuthorizeUrl(client, challenge, "user/*.rs", aud: "https://other.example/fhir"));
        Assert.Equal(HttpStatusCode.Redirect, wrongAud.StatusCode);
        var query = System.Web.HttpUtility.ParseQueryString(wrongAud.Headers.Location!.Query);
        Assert.Equal("invalid_request", query["error"]);
        Assert.Equal("st-1", query["state"]);

        var noPkce = await browser.GetAsync(_auth.AuthorizeUrl(client, challenge, "user/*.rs").Replace("code_challenge_method=S256", "code_challenge_method=plain"));
        Assert.Equal("invalid_request", System.Web.HttpUtility.ParseQueryString(noPkce.Headers.Location!.Query)["error"]);
        var token = await browser.GetAsync(_auth.AuthorizeUrl(client, challenge, "user/*.rs").Replace("response_type=code", "response_type=token"));
        Assert.Equal("unsupported_response_type", System.Web.HttpUtility.ParseQueryString(token.Headers.Location!.Query)["error"]);
    }

    [Fact]
    public async Task Revocation_and_logout_end_refresh_tokens()
    {
        var (user, password) = await _auth.AddUserAsync(AccessRole.Practitioner, "Practitioner/doc-5");
        var client = await _auth.AddPublicClientAsync();
        var (verifier, challenge) = AuthTestClient.Pkce();

        var t1 = await AuthTestClient.JsonAsync(await _auth.ExchangeAsync(client, await _auth.CodeAsync(client, user.Username, password, challenge, "user/*.rs"), verifier));
        var revoke = await AuthTestClient.PostFormAsync(Client, "auth/revoke", ("token", (string)t1["refresh_token"]!), ("client_id", client.ClientId));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("invalid_grant", await AuthTestClient.ErrorAsync(await _auth.RefreshAsync(client, (string)t1["refresh_token"]!), HttpStatusCode.BadRequest));
        // an unknown token is answered the same way (RFC 7009 §2.2)
        Assert.Equal(HttpStatusCode.OK, (await AuthTestClient.PostFormAsync(Client, "auth/revoke", ("token", "nonsense"), ("client_id", client.ClientId))).StatusCode);

        var t2 = await AuthTestClient.JsonAsync(await _auth.ExchangeAsync(client, await _auth.CodeAsync(client, user.Username, password, challenge, "user/*.rs"), verifier));
        var t3 = await AuthTestClient.JsonAsync(await _auth.ExchangeAsync(client, await _auth.CodeAsync(client, user.Username, password, challenge, "user/*.rs"), verifier));
        using var browser = _auth.NewBrowser();
        var logout = await browser.GetAsync("auth/logout?token=" + Uri.EscapeDataString((string)t2["access_token"]!)
            + "&post_logout_redirect_uri=" + Uri.EscapeDataString(client.PostLogoutRedirectUris[0]) + "&state=bye");
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(client.PostLogoutRedirectUris[0] + "?state=bye", logout.Headers.Location!.ToString());
        // every sign-in of this user at this client is over
        Assert.Equal("invalid_grant", await AuthTestClient.ErrorAsync(await _auth.RefreshAsync(client, (string)t2["refresh_token"]!), HttpStatusCode.BadRequest));
        Assert.Equal("invalid_grant", await AuthTestClient.ErrorAsync(await _auth.RefreshAsync(client, (string)t3["refresh_token"]!), HttpStatusCode.BadRequest));

        var notRegistered = await browser.GetAsync("auth/logout?client_id=" + client.ClientId + "&post_logout_redirect_uri=" + Uri.EscapeDataString("https://evil.example/"));
        Assert.Equal(HttpStatusCode.OK, notRegistered.StatusCode);
        Assert.Null(notRegistered.Headers.Location);
    }
}
