using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Shifo.Synth.Writers;

/// <summary>
/// FHIR Bulk Data layout: one NDJSON stream per resource type ("Patient.ndjson", ...), one resource per line,
/// each with its id; references are relative (Patient/{id}). Streams are opened on first use.
/// </summary>
public sealed class NdjsonSink : IResourceSink
{
    internal static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly Func<string, Stream> _open;
    private readonly Dictionary<string, Stream> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _writer;
    private string? _type;

    /// <param name="open">Opens the stream for a file name such as "Patient.ndjson"; the sink disposes it.</param>
    public NdjsonSink(Func<string, Stream> open)
    {
        _open = open;
        _writer = new Utf8JsonWriter(_buffer, JsonOptions);
    }

    /// <summary>Writes into a folder (created if missing), one file per type.</summary>
    public static NdjsonSink ToDirectory(string path)
    {
        Directory.CreateDirectory(path);
        return new NdjsonSink(name => new FileStream(Path.Combine(path, name), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16));
    }

    public IReadOnlyDictionary<string, long> Counts => _counts;

    public void BeginGroup(bool directory) { }
    public void EndGroup() { }

    public Utf8JsonWriter BeginResource(string type, string id)
    {
        _type = type;
        _writer.WriteStartObject();
        _writer.WriteString("resourceType", type);
        _writer.WriteString("id", id);
        return _writer;
    }

    public void EndResource()
    {
        _writer.WriteEndObject();
        _writer.Flush();
        var type = _type!;
        if (!_streams.TryGetValue(type, out var stream)) _streams[type] = stream = _open(type + ".ndjson");
        _buffer.Write("\n"u8);
        stream.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
        _writer.Reset();
        _counts[type] = _counts.GetValueOrDefault(type) + 1;
    }

    public string LocalReference(string type, string id) => type + "/" + id;

    public void Dispose()
    {
        _writer.Dispose();
        foreach (var s in _streams.Values) s.Dispose();
        _streams.Clear();
    }
}
