using System.Text;
using System.Text.Json.Nodes;
using Shifo.Fhir.FhirPath;
using Shifo.Fhir.Outcomes;
using Shifo.Fhir.Serialization;
using Shifo.Fhir.Validation;
using static Shifo.Fhir.Tests.Validation.SpecExample;

namespace Shifo.Fhir.Tests.Validation;

/// <summary>
/// Long text values (narratives, descriptions, base64 data) stay UTF-8 after parsing until something reads them:
/// they must validate, read, and write back exactly as the short ones that are decoded at once.
/// </summary>
public class LongTextValueTests
{
    private static readonly string Filler = string.Concat(Enumerable.Repeat("Bemor ko'rikdan o'tdi. ", 10)); // > 64 bytes, so kept as UTF-8

    private static JsonNode PatientWith(string family, string div)
    {
        var p = Load("Patient-example.json");
        p["name"]![0]!["family"] = family;
        p["text"]!["div"] = div;
        return p;
    }

    private static string Div(string inner) => $"<div xmlns=\"http://www.w3.org/1999/xhtml\">{Filler}{inner}</div>";

    [Theory]
    [InlineData("\u000b")]
    [InlineData("\u000c")]
    public void A_long_string_with_a_forbidden_control_character_is_an_error(string control)
    {
        // the serializer writes them escaped (\u000B, \f), so the check runs on the unescaped bytes
        var result = Validate(PatientWith(Filler + control + "end", Div("ok")));
        AssertError(result, "value", "Patient.name[0].family");
    }

    [Fact]
    public void A_long_string_with_tabs_newlines_and_no_break_spaces_is_valid() =>
        AssertNoError(Validate(PatientWith(Filler + "\t\r\n\u00a0Karimov \"Ota\" \\ é 中", Div("ok"))));

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<p onclick='x()'>a</p>")]
    [InlineData("<a href='javascript:x()'>a</a>")]
    [InlineData("< IFRAME src='a'></iframe>")]
    public void Unsafe_markup_in_a_long_narrative_breaks_txt_1(string unsafeMarkup)
    {
        // System.Text.Json writes '<' as \u003C, so this narrative reaches the parser escaped...
        AssertTxt1(Validate(PatientWith("Karimov", Div(unsafeMarkup))));
        // ...and this one as it is, with nothing to unescape
        var raw = "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns='http://www.w3.org/1999/xhtml'>"
            + Filler + unsafeMarkup + "</div>\"}}";
        AssertTxt1(Validate(raw));
    }

    private static void AssertTxt1(ValidationResult result)
    {
        // R4 writes both txt-1 and txt-2 as htmlChecks(), so both fail, and nothing else does
        var errors = result.Issues.Where(i => i.IsError).ToList();
        Assert.All(errors, i => Assert.Equal("Patient.text.div", i.Expression));
        Assert.Contains(errors, i => i.Message.Contains("txt-1", StringComparison.Ordinal));
    }

    [Fact]
    public void Narratives_that_need_the_unicode_rules_are_still_judged_by_the_regular_expression()
    {
        // a no-break space before "onclick" is white space to .NET's \s: the scanner cannot decide it on ASCII alone
        var result = Validate(PatientWith("Karimov", Div("<p\u00a0onclick=\"x\">a</p>")));
        Assert.Contains(result.Issues, i => i.IsError && i.Message.Contains("txt-1", StringComparison.Ordinal));
        AssertNoError(Validate(PatientWith("Karimov", Div("<p>Diagnóstico: ok = 4 · 中文</p>"))));
    }

    [Fact]
    public void Long_base64_data_is_checked_by_groups_of_four()
    {
        var p = Load("Patient-example.json");
        var data = Convert.ToBase64String(Enumerable.Range(0, 300).Select(i => (byte)i).ToArray());
        p["photo"] = new JsonArray(new JsonObject { ["contentType"] = "image/png", ["data"] = data });
        AssertNoError(Validate(p));
        p["photo"]![0]!["data"] = data[..100] + "\n" + data[100..]; // white space between groups
        AssertNoError(Validate(p));
        p["photo"]![0]!["data"] = data[..101] + " " + data[101..]; // inside a group
        AssertError(Validate(p), "value", "Patient.photo[0].data");
        p["photo"]![0]!["data"] = data[..100] + "*" + data[100..];
        AssertError(Validate(p), "value", "Patient.photo[0].data");
    }

    // the parser keeps long values as slices of an array it is handed, and copies them out of a span it is lent
    private static ParseResult Parse(byte[] utf8, bool handedOver) =>
        handedOver ? FhirJsonParser.Parse(utf8) : FhirJsonParser.Parse((ReadOnlySpan<byte>)utf8);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_long_value_reads_and_writes_back_as_written(bool handedOver)
    {
        var family = Filler + "\"quoted\" \\ tab\t é 中 \U0001F600";
        var json = PatientWith(family, Div("<b>x</b>")).ToJsonString(); // escaped: \u0022, \u003C, \u00E9...
        var plain = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + Filler + "é 中\"}]}"; // nothing to unescape
        foreach (var (document, expected) in new[] { (json, family), (plain, Filler + "é 中") })
        {
            var parsed = Parse(Encoding.UTF8.GetBytes(document), handedOver);
            Assert.False(parsed.HasErrors);
            var read = FhirPathCompiler.Compile("Patient.name[0].family").Evaluate(parsed.Resource);
            Assert.Equal(expected, FhirPathValues.ToStringValue(Assert.Single(read)));
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(document), JsonNode.Parse(FhirJsonWriter.ToJson(parsed.Resource!))));
        }
    }

    [Fact]
    public void A_tree_read_from_a_handed_over_array_writes_what_one_read_from_a_copy_writes()
    {
        var json = Encoding.UTF8.GetBytes(PatientWith(Filler + "\"Ota\" é", Div("<p>Diagnóstico 中文</p>")).ToJsonString());
        Assert.Equal(FhirJsonWriter.ToJson(Parse(json, handedOver: false).Resource!), FhirJsonWriter.ToJson(Parse(json, handedOver: true).Resource!));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Bytes_that_are_not_UTF8_are_a_fatal_issue_not_an_exception(bool longValue, bool handedOver)
    {
        var prefix = Encoding.UTF8.GetBytes("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + (longValue ? Filler : "Ka"));
        byte[] json = [.. prefix, 0xC3, 0x28, .. "\"}]}"u8];
        var result = Parse(json, handedOver);
        Assert.Null(result.Resource);
        var issue = Assert.Single(result.Issues);
        Assert.Equal(IssueSeverity.Fatal, issue.Severity);
        Assert.Contains("not UTF-8", issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ka\\ud800ri", false)]
    [InlineData("\\udc00", false)]
    [InlineData("Ka\\ud800ri", true)]
    [InlineData("\\udc00", true)]
    [InlineData("\\uD83D\\n\\uDE00", true)] // the low half does not follow at once
    [InlineData("\\uD83D\\uD83D\\uDE00", true)] // two high halves
    [InlineData("\\uDE00\\uD83D", true)] // in the wrong order
    [InlineData("ok \\u00e9 \\uD83D", true)] // the value ends after a high half
    public void A_unicode_escape_of_half_a_character_is_a_fatal_issue(string escaped, bool handedOver)
    {
        foreach (var value in new[] { escaped, Filler + escaped })
        {
            var json = Encoding.UTF8.GetBytes("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + value + "\"}]}");
            var result = Parse(json, handedOver);
            Assert.Null(result.Resource);
            Assert.Contains(result.Issues, i => i.Severity == IssueSeverity.Fatal && i.Message.Contains("half a character", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("\\uD83D\\uDE00 \\ud83d\\ude00", "\U0001F600 \U0001F600")]
    [InlineData("\\\\uD800", "\\uD800")] // an escaped backslash, then the letters: no surrogate at all
    [InlineData("a\\\"\\/\\b\\t\\u0041", "a\"/\b\tA")]
    public void Whole_pairs_and_other_escapes_in_a_long_value_read_as_written(string escaped, string expected)
    {
        foreach (var handedOver in new[] { false, true })
        {
            var json = Encoding.UTF8.GetBytes("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + Filler + escaped + "\"}]}");
            var parsed = Parse(json, handedOver);
            Assert.NotNull(parsed.Resource);
            var read = FhirPathCompiler.Compile("Patient.name[0].family").Evaluate(parsed.Resource);
            Assert.Equal(Filler + expected, FhirPathValues.ToStringValue(Assert.Single(read)));
        }
    }
}
