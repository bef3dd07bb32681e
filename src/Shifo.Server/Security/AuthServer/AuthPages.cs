using System.Net;
using System.Text;

namespace Shifo.Server.Security.AuthServer;

/// <summary>
/// The few HTML pages of the authorization server: plain, self-contained (no scripts, no external assets),
/// labelled for screen readers, never framed by another site, never cached.
/// </summary>
public static class AuthPages
{
    public static Task LoginAsync(HttpContext context, int status, string clientName, string formToken, string? error, string username = "")
    {
        var body = new StringBuilder();
        body.Append($"<h1>Sign in to Shifo</h1><p><strong>{Html(clientName)}</strong> asks to reach your health data on your behalf.</p>");
        if (error is not null) body.Append($"<p class=\"error\" role=\"alert\" id=\"error\">{Html(error)}</p>");
        body.Append("<form method=\"post\" action=\"/auth/authorize\">");
        body.Append($"<input type=\"hidden\" name=\"form_token\" value=\"{Html(formToken)}\">");
        body.Append($"<p><label for=\"username\">Username</label><br><input id=\"username\" name=\"username\" autocomplete=\"username\" required value=\"{Html(username)}\"{(error is null ? "" : " aria-describedby=\"error\"")}></p>");
        body.Append("<p><label for=\"password\">Password</label><br><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>");
        body.Append("<p><button type=\"submit\">Sign in</button></p></form>");
        return WriteAsync(context, status, "Sign in — Shifo", body.ToString());
    }

    public static Task MessageAsync(HttpContext context, int status, string title, string message) =>
        WriteAsync(context, status, title + " — Shifo", $"<h1>{Html(title)}</h1><p>{Html(message)}</p>");

    private static Task WriteAsync(HttpContext context, int status, string title, string body)
    {
        var response = context.Response;
        OAuthResponses.NoStore(response);
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        const string style = "body{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;line-height:1.5}" +
            "input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}button{font-size:1rem;padding:.5rem 1.5rem}.error{color:#a00;font-weight:bold}";
        return response.WriteAsync($"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{Html(title)}</title><style>{style}</style></head><body><main>{body}</main></body></html>");
    }

    private static string Html(string s) => WebUtility.HtmlEncode(s);
}
