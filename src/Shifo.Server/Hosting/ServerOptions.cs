namespace Shifo.Server.Hosting;

/// <summary>Server settings, configuration section "Server" (environment: SHIFO_Server__MaxBodyBytes, ...).</summary>
public sealed class ServerOptions
{
    /// <summary>Largest request body accepted; larger ones get 413.</summary>
    public long MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Page size of searches and histories when the client gives no _count.</summary>
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>Largest _count honoured; larger requests get this many.</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>Most resources one conditional delete may remove; more matches are 412 (1 = single deletes only).</summary>
    public int MaxConditionalDeletes { get; set; } = 100;

    /// <summary>
    /// Production mode (`--production`): the server refuses to start with demo data on, security off, or any active
    /// demo user or client in the database. See <see cref="ProductionGuard"/>.
    /// </summary>
    public bool Production { get; set; }
}
