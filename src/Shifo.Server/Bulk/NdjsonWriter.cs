using System.Text.Json;

namespace Shifo.Server.Bulk;

/// <summary>Appends resources to an NDJSON file, one compact JSON object per line, counting them.</summary>
public sealed class NdjsonWriter(string path) : IAsyncDisposable
{
    private readonly FileStream _file = new(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);

    public long Count { get; private set; }

    public async Task WriteAsync(byte[] json, CancellationToken ct)
    {
        // stored JSON is compact; anything with a line break in it is re-written so one line stays one resource
        if (Array.IndexOf(json, (byte)'\n') >= 0)
        {
            using var doc = JsonDocument.Parse(json);
            json = JsonSerializer.SerializeToUtf8Bytes(doc.RootElement);
        }
        await _file.WriteAsync(json, ct);
        _file.WriteByte((byte)'\n');
        Count++;
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
