using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shifo.Fhir.Serialization;
using Shifo.Testing;

namespace Shifo.Fhir.Tests.Serialization;

/// <summary>
/// The parser finds property names by their UTF-8 bytes in per-type tables; names written with JSON escapes, names it
/// does not know and names of any length must read exactly as their unescaped text says.
/// </summary>
public class PropertyLookupTests
{
    private static string Written(ParseResult result) => FhirJsonWriter.ToJson(result.Resource!);

    private static string[] IssueTexts(ParseResult result) => result.Issues.Select(i => i.ToString()).ToArray();

    /// <summary>The document as JsonDocument reads it (names unescaped) against what the parser wrote back.</summary>
    private static void AssertWritesBack(string expectedJson, ParseResult result)
    {
        using var expected = JsonDocument.Parse(expectedJson);
        using var written = JsonDocument.Parse(Written(result));
        Assert.Null(JsonEquality.FirstDifference(expected.RootElement, written.RootElement));
    }

    /// <summary>Rewrites every property name of the document with \uXXXX escapes (all characters, or only one).</summary>
    internal static string EscapeNames(JsonNode? node, bool everyCharacter)
    {
        var sb = new StringBuilder();
        Write(node);
        return sb.ToString();

        void Write(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    sb.Append('{');
                    var first = true;
                    foreach (var (name, value) in o)
                    {
                        if (!first) sb.Append(',');
                        first = false;
                        sb.Append('"');
                        for (var i = 0; i < name.Length; i++)
                        {
                            // one escaped character is at the end, so that a prefix still matches a shorter name
                            if (everyCharacter || i == name.Length - 1) sb.Append($"\\u{(int)name[i]:x4}");
                            else sb.Append(name[i]);
                        }
                        sb.Append("\":");
                        Write(value);
                    }
                    sb.Append('}');
                    break;
                case JsonArray a:
                    sb.Append('[');
                    for (var i = 0; i < a.Count; i++)
                    {
                        if (i > 0) sb.Append(',');
                        Write(a[i]);
                    }
                    sb.Append(']');
                    break;
                case null:
                    sb.Append("null");
                    break;
                default:
                    sb.Append(n.ToJsonString());
                    break;
            }
        }
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","\u0069d":"p1","active":true}""", """{"resourceType":"Patient","id":"p1","active":true}""")]
    [InlineData("""{"resource\u0054ype":"Patient","\u0069\u0064":"p1"}""", """{"resourceType":"Patient","id":"p1"}""")]
    [InlineData("""{"resourceType":"Patient","n\u0061me":[{"\u0066amily":"Karimov","give\u006e":["Olim"]}]}""",
        """{"resourceType":"Patient","name":[{"family":"Karimov","given":["Olim"]}]}""")]
    [InlineData("""{"resourceType":"Patient","birthDate":"1974-12-25","\u005fbirthDate":{"extension":[{"url":"http://e.org/x","valueBoolean":true}]}}""",
        """{"resourceType":"Patient","birthDate":"1974-12-25","_birthDate":{"extension":[{"url":"http://e.org/x","valueBoolean":true}]}}""")]
    [InlineData("""{"resourceType":"Patient","name":[{"given":["a","b"],"_give\u006e":[null,{"id":"g2"}]}]}""",
        """{"resourceType":"Patient","name":[{"given":["a","b"],"_given":[null,{"id":"g2"}]}]}""")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"t"},"value\u0051uantity":{"value":1.50,"unit":"mg"}}""",
        """{"resourceType":"Observation","status":"final","code":{"text":"t"},"valueQuantity":{"value":1.50,"unit":"mg"}}""")]
    [InlineData("""{"resourceType":"Patient","contained":[{"resourceType":"Organization","\u006eame":"C"}],"managingOrganization":{"reference":"#x"}}""",
        """{"resourceType":"Patient","contained":[{"resourceType":"Organization","name":"C"}],"managingOrganization":{"reference":"#x"}}""")]
    public void Escaped_names_read_like_plain_names(string escaped, string plain)
    {
        var fromEscaped = FhirJsonParser.Parse(escaped);
        var fromPlain = FhirJsonParser.Parse(plain);
        Assert.Equal(IssueTexts(fromPlain), IssueTexts(fromEscaped));
        Assert.Equal(Written(fromPlain), Written(fromEscaped));
        AssertWritesBack(plain, fromEscaped);
    }

    [Fact]
    public void Escaped_duplicates_are_duplicates()
    {
        var result = FhirJsonParser.Parse("""{"resourceType":"Patient","gender":"male","g\u0065nder":"female"}""");
        var issue = Assert.Single(result.Issues);
        Assert.Equal("Patient.gender", issue.Expression);
        Assert.Contains("more than once", issue.Message);
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","birthDate":"1974-12-25","_birthDate":{"id":"a"},"\u005fbirthDate":{"id":"b"}}""",
        """{"resourceType":"Patient","birthDate":"1974-12-25","_birthDate":{"id":"a"},"_birthDate":{"id":"b"}}""")]
    [InlineData("""{"resourceType":"Patient","\u005fbirthDate":{"id":"a"},"birthDate":"1974-12-25","_birthDat\u0065":{"id":"b"}}""",
        """{"resourceType":"Patient","_birthDate":{"id":"a"},"birthDate":"1974-12-25","_birthDate":{"id":"b"}}""")]
    public void Escaped_primitive_extras_count_as_the_same_property(string escaped, string plain)
    {
        var fromEscaped = FhirJsonParser.Parse(escaped);
        Assert.Contains(fromEscaped.Issues, i => i.Expression == "Patient._birthDate" && i.Message.Contains("more than once"));
        Assert.Equal(IssueTexts(FhirJsonParser.Parse(plain)), IssueTexts(fromEscaped));
    }

    [Fact]
    public void Unknown_names_are_reported_by_their_unescaped_text_and_kept()
    {
        var longName = new string('x', 300);
        var json = $$$"""
            {"resourceType":"Patient","nick\u006eame":"Bob","na\u00efve":{"a":[1,2]},"naïve2":"x","{{{longName}}}":true,
             "_":"u","i":"short","idx":"near id","_nam\u0065":{"id":"n"},"_active":{"id":"a"},"Name":[{"family":"K"}],
             "name":[{"family":"K","familyx":"y","_family":{"id":"f"},"_familyx":{"id":"g"}}]}
            """;
        var result = FhirJsonParser.Parse(json);
        // what JsonDocument says the names are, minus the ones the definitions know
        string[] known = ["resourceType", "name", "_active"];
        using var doc = JsonDocument.Parse(json);
        var expectedUnknown = doc.RootElement.EnumerateObject().Select(p => p.Name).Where(n => !known.Contains(n)).Select(n => "Patient." + n)
            .Concat(["Patient.name[0].familyx", "Patient.name[0]._familyx"]).Order(StringComparer.Ordinal).ToArray();
        var reported = result.Issues.Where(i => i.Message.StartsWith("Unknown element", StringComparison.Ordinal))
            .Select(i => i.Expression!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expectedUnknown, reported);
        Assert.Contains(result.Issues, i => i.Message.Contains("'naïve'", StringComparison.Ordinal));
        Assert.NotNull(result.Resource);
        Assert.Equal("a", result.Resource!.Child("active")?.Child("id")?.Value);
        Assert.Equal("f", result.Resource.Child("name")?.Child("family")?.Child("id")?.Value);
    }

    [Fact]
    public void Unknown_content_with_escaped_names_writes_back_unescaped()
    {
        const string escaped = """{"resourceType":"Patient","nick\u006eame":{"first":"Bob","sec\u006fnd":[1,2.50]},"active":true}""";
        AssertWritesBack("""{"resourceType":"Patient","nickname":{"first":"Bob","second":[1,2.50]},"active":true}""", FhirJsonParser.Parse(escaped));
    }

    [Fact]
    public void Spec_examples_with_escaped_names_read_like_the_originals()
    {
        var failures = new List<string>();
        var count = 0;
        // every 20th example: a few hundred resources of every kind, all names escaped, or only their last character
        foreach (var file in TestPaths.SpecExampleFiles().Where((_, i) => i % 20 == 0))
        {
            count++;
            var text = File.ReadAllText(file);
            var plain = FhirJsonParser.Parse(text);
            var node = JsonNode.Parse(text);
            foreach (var every in new[] { true, false })
            {
                var escaped = FhirJsonParser.Parse(EscapeNames(node, every));
                if (!IssueTexts(plain).SequenceEqual(IssueTexts(escaped)))
                    failures.Add($"{Path.GetFileName(file)} ({(every ? "all" : "last")}): issues {string.Join("; ", IssueTexts(escaped))}");
                else if (plain.Resource is not null && Written(plain) != Written(escaped))
                    failures.Add($"{Path.GetFileName(file)} ({(every ? "all" : "last")}): a different tree");
            }
        }
        Assert.True(count >= 250, $"expected at least 250 examples, found {count}");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }
}
