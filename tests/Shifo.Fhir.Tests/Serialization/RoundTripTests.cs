using System.Text.Json;
using Shifo.Fhir.Serialization;
using Shifo.Testing;

namespace Shifo.Fhir.Tests.Serialization;

public class RoundTripTests
{
    [Fact]
    public void EverySpecExampleReadsAndWritesBackEqual()
    {
        var failures = new List<string>();
        var count = 0;
        foreach (var file in TestPaths.SpecExampleFiles())
        {
            count++;
            var bytes = File.ReadAllBytes(file);
            var parsed = FhirJsonParser.Parse(bytes);
            if (parsed.Resource is null)
            {
                failures.Add($"{Path.GetFileName(file)}: {string.Join("; ", parsed.Issues)}");
                continue;
            }
            using var original = JsonDocument.Parse(bytes);
            using var written = JsonDocument.Parse(FhirJsonWriter.ToUtf8(parsed.Resource));
            var diff = JsonEquality.FirstDifference(original.RootElement, written.RootElement);
            if (diff is not null) failures.Add($"{Path.GetFileName(file)}: {diff}");
        }
        Assert.True(count >= 5296, $"expected the 5,296 spec examples, found {count}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} examples differ after a round trip:\n" + string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void DecimalsKeepTheirWrittenPrecision()
    {
        const string json = """{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1.50,"unit":"mg"}}""";
        var parsed = FhirJsonParser.Parse(json);
        Assert.Contains("\"value\":1.50", FhirJsonWriter.ToJson(parsed.Resource!));
    }

    [Fact]
    public void PrimitiveExtensionsAndNullPlaceholdersSurvive()
    {
        const string json = """{"resourceType":"Patient","name":[{"given":["A",null],"_given":[null,{"extension":[{"url":"http://x","valueString":"y"}]}]}],"_active":{"id":"a1"},"active":true}""";
        var parsed = FhirJsonParser.Parse(json);
        Assert.DoesNotContain(parsed.Issues, i => i.IsError);
        using var a = JsonDocument.Parse(json);
        using var b = JsonDocument.Parse(FhirJsonWriter.ToJson(parsed.Resource!));
        Assert.Null(JsonEquality.FirstDifference(a.RootElement, b.RootElement));
        var given = parsed.Resource!.Child("name")!.ChildrenNamed("given").ToList();
        Assert.Equal(2, given.Count);
        Assert.Equal("A", given[0].Value);
        Assert.Null(given[1].Value);
        Assert.Equal("extension", given[1].Children[0].Name);
    }

    [Fact]
    public void ChildrenAddedOutOfOrderAreWrittenOncePerElementAndTypeInTheirOrder()
    {
        // content built in code (as the server stamps meta) need not keep repeating elements together
        var patient = FhirJsonParser.Parse("""{"resourceType":"Patient","name":[{"family":"A"}],"gender":"male"}""").Resource!;
        var second = FhirJsonParser.Parse("""{"resourceType":"Patient","name":[{"family":"B"}],"deceasedBoolean":false,"_gender":{"id":"g"}}""").Resource!;
        foreach (var name in new[] { "name", "deceased" })
        {
            var node = second.Child(name)!;
            second.Remove(node);
            patient.Add(node);
        }
        var json = FhirJsonWriter.ToJson(patient);
        Assert.Equal("""{"resourceType":"Patient","name":[{"family":"A"},{"family":"B"}],"gender":"male","deceasedBoolean":false}""", json);
        // the same writer, reused on this thread, starts each document afresh, compact or indented
        Assert.Equal(json, FhirJsonWriter.ToJson(patient));
        Assert.Contains("\n", FhirJsonWriter.ToJson(patient, indented: true).Replace("\r", ""));
        Assert.Equal(json, FhirJsonWriter.ToJson(patient));
    }
}
