using System.Text.Json;

namespace Shifo.Synth.Tests;

public class BundleTests
{
    [Fact]
    public void Patient_bundles_are_transactions_whose_references_all_resolve()
    {
        var g = Generated.Run(new SynthOptions { Seed = 8, Patients = 80 }, "bundle");
        // the directory: PUT with fixed ids, so patient bundles can point at Type/id
        var directory = new HashSet<string>();
        foreach (var name in g.Files.Keys.Where(n => n.StartsWith("directory-")))
        {
            var bundle = JsonDocument.Parse(g.Files[name]).RootElement;
            Assert.Equal("transaction", bundle.GetProperty("type").GetString());
            foreach (var e in bundle.GetProperty("entry").EnumerateArray())
            {
                var r = e.GetProperty("resource");
                var key = r.GetProperty("resourceType").GetString() + "/" + r.GetProperty("id").GetString();
                Assert.Equal("PUT", e.GetProperty("request").GetProperty("method").GetString());
                Assert.Equal(key, e.GetProperty("request").GetProperty("url").GetString());
                directory.Add(key);
            }
            // references inside the directory point into the directory
            foreach (var reference in References(bundle)) Assert.Contains(reference, directory);
        }
        Assert.NotEmpty(directory);

        var patientFiles = g.Files.Keys.Where(n => n.StartsWith("patient-")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(80, patientFiles.Count);
        Assert.Equal("patient-0000001.json", patientFiles[0]);
        foreach (var name in patientFiles)
        {
            var bundle = JsonDocument.Parse(g.Files[name]).RootElement;
            Assert.Equal("transaction", bundle.GetProperty("type").GetString());
            var fullUrls = new HashSet<string>();
            var patients = 0;
            foreach (var e in bundle.GetProperty("entry").EnumerateArray())
            {
                var fullUrl = e.GetProperty("fullUrl").GetString()!;
                Assert.StartsWith("urn:uuid:", fullUrl);
                Assert.True(fullUrls.Add(fullUrl));
                var type = e.GetProperty("resource").GetProperty("resourceType").GetString();
                Assert.False(e.GetProperty("resource").TryGetProperty("id", out _));
                Assert.Equal("POST", e.GetProperty("request").GetProperty("method").GetString());
                Assert.Equal(type, e.GetProperty("request").GetProperty("url").GetString());
                if (type == "Patient") patients++;
            }
            Assert.Equal(1, patients);
            foreach (var reference in References(bundle))
                Assert.True(reference.StartsWith("urn:uuid:") ? fullUrls.Contains(reference) : directory.Contains(reference),
                    $"{name}: reference {reference} does not resolve");
        }
    }

    [Fact]
    public void Ndjson_references_resolve_across_the_files()
    {
        var g = Generated.Run(new SynthOptions { Seed = 9, Patients = 80 });
        var ids = g.AllResources().Select(r => r.Type + "/" + JsonDocument.Parse(r.Json).RootElement.GetProperty("id").GetString()).ToHashSet();
        foreach (var (type, json) in g.AllResources())
            foreach (var reference in References(JsonDocument.Parse(json).RootElement))
                Assert.True(ids.Contains(reference), $"{type}: {reference} does not resolve");
    }

    private static IEnumerable<string> References(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject())
            {
                if (p.Name == "reference" && p.Value.ValueKind == JsonValueKind.String) yield return p.Value.GetString()!;
                else foreach (var r in References(p.Value)) yield return r;
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
            foreach (var item in e.EnumerateArray())
                foreach (var r in References(item)) yield return r;
    }
}
