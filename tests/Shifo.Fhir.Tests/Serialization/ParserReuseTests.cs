using Shifo.Fhir.Serialization;
using Shifo.Testing;

namespace Shifo.Fhir.Tests.Serialization;

/// <summary>
/// Each thread reuses one parser's scratch state: whatever a parse leaves behind (above all an invalid document that
/// stops it halfway through nested objects) must not show in the next parse, on that thread or any other.
/// </summary>
public class ParserReuseTests
{
    private const string Valid = """
        {"resourceType":"Patient","id":"p1","active":true,
         "name":[{"use":"official","family":"Karimov","given":["Shavkat","Olim"],"_given":[null,{"id":"g2"}]},{"given":["Shava"]}],
         "gender":"male","birthDate":"1974-12-25",
         "contained":[{"resourceType":"Organization","id":"org1","name":"Clinic 1","contact":[{"name":{"family":"Aliyev"}}]}],
         "managingOrganization":{"reference":"#org1"}}
        """;

    // stop inside objects at several depths, with names already seen there that the valid document uses again
    private static readonly string[] InvalidDocuments =
    [
        """{"resourceType":"Patient","id":"p1","active":true,"gender":"male",""",
        """{"resourceType":"Patient","name":[{"use":"official","family":"Karimov","given":["Shavkat","Olim"],"_given":[null,{"id":""",
        """{"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"org1","name":"Clinic 1","contact":[{"name":{"family":"A" x""",
        """{"resourceType":"Patient","id":"p1","name":[{"family":"K"}]} trailing""",
        """{"resourceType":"Patient","id":"p1","name":[{"family":"K",}]}""",
        "{\"resourceType\":\"Patient\",\"name\":[" + string.Concat(Enumerable.Repeat("{\"extension\":[", 80)),
        """{"resourceType":"Patient","gender":"male","gender":"female","name":[{"family":"a","family":"b"}],"nickname":{"a":[""",
    ];

    public static TheoryData<string> Invalid => new(InvalidDocuments);

    private static (string? Json, string Issues) Outcome(ParseResult r) =>
        (r.Resource is null ? null : FhirJsonWriter.ToJson(r.Resource), string.Join("\n", r.Issues.Select(i => i.ToString())));

    /// <summary>The outcome on a thread that has never parsed anything.</summary>
    private static (string? Json, string Issues) OnFreshThread(string json)
    {
        (string?, string) outcome = default;
        var thread = new Thread(() => outcome = Outcome(FhirJsonParser.Parse(json)));
        thread.Start();
        thread.Join();
        return outcome;
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_valid_parse_after_an_invalid_one_on_the_same_thread_is_unaffected(string invalid)
    {
        var expected = OnFreshThread(Valid);
        Assert.Empty(expected.Issues);

        var failed = FhirJsonParser.Parse(invalid);
        Assert.True(failed.HasErrors);
        var failedIssues = failed.Issues.Select(i => i.ToString()).ToArray();

        var actual = Outcome(FhirJsonParser.Parse(Valid));
        Assert.Equal(expected.Issues, actual.Issues);
        Assert.Equal(expected.Json, actual.Json);

        // the earlier result owns its issues: the reused parser's list is not it
        Assert.Equal(failedIssues, failed.Issues.Select(i => i.ToString()).ToArray());
        // and the invalid document still reads as it did on a fresh thread
        Assert.Equal(OnFreshThread(invalid), Outcome(FhirJsonParser.Parse(invalid)));
    }

    [Fact]
    public void Issues_of_one_parse_do_not_carry_into_the_next()
    {
        var first = FhirJsonParser.Parse("""{"resourceType":"Patient","nickname":"Bob","gender":["male"]}""");
        Assert.Equal(2, first.Issues.Count);
        var second = FhirJsonParser.Parse("""{"resourceType":"Patient","active":true}""");
        Assert.Empty(second.Issues);
        Assert.Equal(2, first.Issues.Count);
        var third = FhirJsonParser.Parse("""{"resourceType":"Patient","active":"yes"}""");
        Assert.Equal("Patient.active", Assert.Single(third.Issues).Expression);
    }

    [Fact]
    public void Parsing_on_many_threads_at_once_gives_the_single_threaded_results()
    {
        var documents = TestPaths.SpecExampleFiles().Where((_, i) => i % 40 == 0).Select(File.ReadAllText)
            .Concat(InvalidDocuments)
            .Append("""{"resourceType":"Patient","nick\u006eame":"Bob","gender":"male","g\u0065nder":"female"}""")
            .ToArray();
        var expected = documents.Select(d => Outcome(FhirJsonParser.Parse(d))).ToArray();

        var failures = new System.Collections.Concurrent.ConcurrentBag<int>();
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            // each thread walks the documents from its own starting point, so valid and invalid ones interleave differently
            for (var round = 0; round < 3; round++)
                for (var k = 0; k < documents.Length; k++)
                {
                    var i = (k * 7 + t * 13 + round) % documents.Length;
                    var actual = Outcome(FhirJsonParser.Parse(documents[i]));
                    if (actual.Json != expected[i].Json || actual.Issues != expected[i].Issues) failures.Add(i);
                }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();

        Assert.True(documents.Length > 100, $"only {documents.Length} documents");
        Assert.True(failures.IsEmpty, "differed: " + string.Join(", ", failures.Distinct().Order().Take(20)));
    }
}
