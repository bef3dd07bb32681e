using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Shifo.Server.Security.Hardening;

/// <summary>
/// Kestrel's limits on what a request may make the server hold before any Shifo code runs, configuration section
/// "Server" (SHIFO_Server__MaxRequestLineBytes, ...). Kestrel refuses a longer request line with 414 and larger or
/// more headers with 431, without involving the application. The body limit is Server:MaxBodyBytes (413, as an
/// OperationOutcome, enforced by RequestBody).
/// </summary>
public sealed class RequestLimits
{
    /// <summary>Method, URL and version: FHIR searches live in the URL, so more than Kestrel's 8 KiB; longer ones belong in POST _search.</summary>
    public int MaxRequestLineBytes { get; set; } = 16 * 1024;

    /// <summary>All headers together; an access token is 1–2 KiB.</summary>
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    public int MaxRequestHeaderCount { get; set; } = 64;

    /// <summary>Time a client gets to send all its headers (slow-header attacks hold connections open).</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Open connections at once; 0 = unlimited (the load balancer in front usually limits them).</summary>
    public long MaxConcurrentConnections { get; set; }

    public void ApplyTo(KestrelServerOptions kestrel)
    {
        var limits = kestrel.Limits;
        limits.MaxRequestLineSize = MaxRequestLineBytes;
        limits.MaxRequestHeadersTotalSize = MaxRequestHeadersBytes;
        limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.KeepAliveTimeout = KeepAliveTimeout;
        limits.MaxConcurrentConnections = MaxConcurrentConnections > 0 ? MaxConcurrentConnections : null;
        // over HTTP/2 the URL is the :path header field
        limits.Http2.MaxRequestHeaderFieldSize = MaxRequestLineBytes;
    }
}
