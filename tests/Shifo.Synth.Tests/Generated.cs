using System.Text;
using System.Text.Json;
using Shifo.Synth.Writers;

namespace Shifo.Synth.Tests;

/// <summary>A population generated into memory: the files a sink wrote, by name.</summary>
public sealed class Generated
{
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);
    public SynthSummary Summary { get; private set; } = null!;

    public static Generated Run(SynthOptions options, string format = "ndjson")
    {
        var result = new Generated();
        var streams = new Dictionary<string, MemoryStream>(StringComparer.Ordinal);
        Stream Open(string name) => streams[name] = new MemoryStream();
        var generator = new SynthGenerator(options);
        using (IResourceSink sink = format == "bundle" ? new BundleSink(Open, generator.PatientCount) : new NdjsonSink(Open))
            result.Summary = generator.Run(sink);
        foreach (var (name, s) in streams) result.Files[name] = s.ToArray();
        return result;
    }

    /// <summary>The NDJSON lines of one type's file (none if the type was not written).</summary>
    public IEnumerable<byte[]> Lines(string type)
    {
        if (!Files.TryGetValue(type + ".ndjson", out var bytes)) yield break;
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
            if (bytes[i] == (byte)'\n') { yield return bytes[start..i]; start = i + 1; }
    }

    public IEnumerable<(string Type, byte[] Json)> AllResources() =>
        Files.Keys.Order(StringComparer.Ordinal).Select(n => n[..n.IndexOf('.')]).SelectMany(t => Lines(t).Select(l => (t, l)));

    public IEnumerable<JsonElement> Json(string type) => Lines(type).Select(l => JsonDocument.Parse(l).RootElement);

    public string Text(string name) => Encoding.UTF8.GetString(Files[name]);
}
