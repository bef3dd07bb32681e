using System.Text;

namespace Shifo.Storage.Caching;

/// <summary>
/// The payloads of the change channel: "node\nType/id\nType/id...", at most <see cref="MaxPayloadBytes"/> each
/// (PostgreSQL refuses 8000 and more), or "node\n*" (drop everything) when a transaction changed too many resources
/// to list. The node is the writer's <see cref="ReadCache.NodeId"/>: it skips its own messages.
/// </summary>
public static class ChangeMessages
{
    public const string Channel = "shifo_read_cache";
    public const int MaxPayloadBytes = 7900;
    /// <summary>Beyond this many messages one "drop everything" is cheaper for every node than the list.</summary>
    public const int MaxMessagesPerTransaction = 16;
    private const string All = "*";

    public static IReadOnlyList<string> Encode(string node, IReadOnlyCollection<(string Type, string Id)> keys)
    {
        var messages = new List<string>();
        var current = new StringBuilder(node);
        var bytes = Encoding.UTF8.GetByteCount(node);
        foreach (var (type, id) in keys)
        {
            var line = type + "/" + id;
            var size = 1 + Encoding.UTF8.GetByteCount(line);
            if (bytes + size > MaxPayloadBytes)
            {
                messages.Add(current.ToString());
                if (messages.Count == MaxMessagesPerTransaction) return [node + "\n" + All];
                current.Clear().Append(node);
                bytes = Encoding.UTF8.GetByteCount(node);
            }
            current.Append('\n').Append(line);
            bytes += size;
        }
        messages.Add(current.ToString());
        return messages;
    }

    /// <summary>Applies another node's message to <paramref name="cache"/>; false if it was this node's own.</summary>
    public static bool Apply(ReadCache cache, string payload)
    {
        var lines = payload.Split('\n');
        if (lines[0] == cache.NodeId) return false;
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line == All)
            {
                cache.Clear();
                continue;
            }
            var slash = line.IndexOf('/');
            // a line this version cannot read: dropping everything is always safe
            if (slash > 0) cache.Invalidate(line[..slash], line[(slash + 1)..]);
            else cache.Clear();
        }
        return true;
    }
}
