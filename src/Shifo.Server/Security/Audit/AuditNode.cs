using Microsoft.Extensions.Options;

namespace Shifo.Server.Security.Audit;

/// <summary>This Shifo node as AuditEvents name it: the observer that recorded the event and the server agent.</summary>
public sealed class AuditNode
{
    public AuditNode(IOptions<AuditOptions> options) : this(options.Value.NodeId) { }

    public AuditNode(string nodeId)
    {
        HostName = Environment.MachineName;
        Id = nodeId is { Length: > 0 } ? nodeId : HostName;
    }

    /// <summary>The node's identifier (configured, else the host name).</summary>
    public string Id { get; }

    public string HostName { get; }
}
