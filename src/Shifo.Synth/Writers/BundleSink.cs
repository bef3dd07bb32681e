using System.Text.Json;

namespace Shifo.Synth.Writers;

/// <summary>
/// Transaction Bundles, one file each. Patient groups: "patient-0000001.json", entries POSTed with urn:uuid
/// fullUrls and references, so the server assigns ids. The directory: "directory-00001.json", ... — entries
/// PUT to Type/{id} with fixed ids, so patient bundles can refer to them as Type/{id} and reloading is
/// idempotent; split into bundles of <see cref="DirectoryBundleSize"/> entries so that no transaction is huge.
/// File names sort in load order: every directory bundle before the first patient bundle.
/// </summary>
public sealed class BundleSink : IResourceSink
{
    public const int DirectoryBundleSize = 1000;

    private readonly Func<string, Stream> _open;
    private readonly int _digits;
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private Stream? _stream;
    private Utf8JsonWriter? _writer;
    private bool _inDirectory;
    private int _directoryEntries;
    private int _directoryFiles;
    private long _patientFiles;
    private string? _type;
    private string? _id;

    /// <param name="open">Opens the stream for a file name; the sink disposes it.</param>
    /// <param name="expectedPatients">Sizes the zero-padded patient number so that names sort.</param>
    public BundleSink(Func<string, Stream> open, long expectedPatients = 1_000_000)
    {
        _open = open;
        _digits = Math.Max(7, expectedPatients.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
    }

    public static BundleSink ToDirectory(string path, long expectedPatients)
    {
        Directory.CreateDirectory(path);
        return new BundleSink(name => new FileStream(Path.Combine(path, name), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16), expectedPatients);
    }

    public IReadOnlyDictionary<string, long> Counts => _counts;

    public void BeginGroup(bool directory)
    {
        _inDirectory = directory;
        if (!directory)
            Open("patient-" + (++_patientFiles).ToString("D" + _digits, System.Globalization.CultureInfo.InvariantCulture) + ".json");
    }

    public void EndGroup()
    {
        if (_writer is not null) Close();
    }

    public Utf8JsonWriter BeginResource(string type, string id)
    {
        if (_inDirectory && _writer is null)
            Open("directory-" + (++_directoryFiles).ToString("D5", System.Globalization.CultureInfo.InvariantCulture) + ".json");
        var w = _writer ?? throw new InvalidOperationException("BeginGroup first.");
        _type = type;
        _id = id;
        w.WriteStartObject();
        if (!_inDirectory) w.WriteString("fullUrl", "urn:uuid:" + id);
        w.WriteStartObject("resource");
        w.WriteString("resourceType", type);
        if (_inDirectory) w.WriteString("id", id);
        return w;
    }

    public void EndResource()
    {
        var w = _writer!;
        w.WriteEndObject();
        w.WriteStartObject("request");
        w.WriteString("method", _inDirectory ? "PUT" : "POST");
        w.WriteString("url", _inDirectory ? _type + "/" + _id : _type);
        w.WriteEndObject();
        w.WriteEndObject();
        _counts[_type!] = _counts.GetValueOrDefault(_type!) + 1;
        if (_inDirectory && ++_directoryEntries % DirectoryBundleSize == 0) Close();
    }

    public string LocalReference(string type, string id) => "urn:uuid:" + id;

    private void Open(string name)
    {
        _stream = _open(name);
        _writer = new Utf8JsonWriter(_stream, NdjsonSink.JsonOptions);
        _writer.WriteStartObject();
        _writer.WriteString("resourceType", "Bundle");
        _writer.WriteString("type", "transaction");
        _writer.WriteStartArray("entry");
    }

    private void Close()
    {
        _writer!.WriteEndArray();
        _writer.WriteEndObject();
        _writer.Flush();
        _writer.Dispose();
        _stream!.Write("\n"u8);
        _stream.Dispose();
        _writer = null;
        _stream = null;
    }

    public void Dispose()
    {
        if (_writer is not null) Close();
    }
}
