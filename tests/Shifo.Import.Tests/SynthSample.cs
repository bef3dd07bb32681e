using Shifo.Synth;
using Shifo.Synth.Writers;

namespace Shifo.Import.Tests;

/// <summary>A small synth output written once per test run, as NDJSON and as Bundles, with its line counts per type.</summary>
public sealed class SynthSample : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "shifo-import-" + Guid.NewGuid().ToString("N")[..12]);
    public string Ndjson => Path.Combine(Root, "ndjson");
    public string Bundles => Path.Combine(Root, "bundles");

    /// <summary>Lines per resource type in the NDJSON files: what every import must load.</summary>
    public IReadOnlyDictionary<string, long> Expected { get; }
    public long Total => Expected.Values.Sum();

    public SynthSample()
    {
        var options = new SynthOptions { Seed = 7, Region = "UZ-SI", Patients = 12 };
        using (var sink = NdjsonSink.ToDirectory(Ndjson)) new SynthGenerator(options).Run(sink);
        using (var sink = BundleSink.ToDirectory(Bundles, 12)) new SynthGenerator(options).Run(sink);
        Expected = Directory.GetFiles(Ndjson, "*.ndjson").ToDictionary(
            f => Path.GetFileNameWithoutExtension(f), f => (long)File.ReadLines(f).Count(l => l.Length > 0));
    }

    /// <summary>A fresh folder under the sample's root, for a test's own files.</summary>
    public string NewFolder()
    {
        var dir = Path.Combine(Root, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>One PINFL of the sample's patients, for a search.</summary>
    public string FirstPinfl()
    {
        var line = File.ReadLines(Path.Combine(Ndjson, "Patient.ndjson")).First();
        using var doc = System.Text.Json.JsonDocument.Parse(line);
        foreach (var identifier in doc.RootElement.GetProperty("identifier").EnumerateArray())
            if (identifier.GetProperty("system").GetString() == ShifoSystems.Pinfl) return identifier.GetProperty("value").GetString()!;
        throw new InvalidOperationException("no PINFL on the first patient");
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class SampleCollection : ICollectionFixture<SynthSample>
{
    public const string Name = "synth sample";
}
