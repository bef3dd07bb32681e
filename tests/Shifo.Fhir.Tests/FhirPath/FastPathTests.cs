using Shifo.Fhir.FhirPath;
using Shifo.Fhir.FhirPath.Functions;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.Tests.FhirPath;

/// <summary>The engine's shortcuts give the answers of the plain way: xhtml scanner, focus names, hashing, child index.</summary>
public class FastPathTests : FhirPathTestBase
{
    [Theory]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Fine</p></div>")]
    [InlineData("<div><SCRIPT>x</SCRIPT></div>")]
    [InlineData("<div>< \t iframe src=\"a\"></div>")]
    [InlineData("<div><framesetx></div>")]
    [InlineData("<div><frameset></div>")]
    [InlineData("<div><formal/></div>")]
    [InlineData("<div><p onClick = \"x\">a</p></div>")]
    [InlineData("<div><p on=\"x\">a</p></div>")]
    [InlineData("<div><p xon=\"x\">a</p></div>")]
    [InlineData("<div>based on the results = good</div>")]
    [InlineData("<div>based onresults= good</div>")]
    [InlineData("<div><a href=\"JavaScript:alert(1)\">a</a></div>")]
    [InlineData("<div>javascrípt: no</div>")]
    [InlineData("<div><p\u00A0onclick=\"x\">a</p></div>")]
    [InlineData("<div><p onclíck=\"x\">a</p></div>")]
    [InlineData("<div>< \u00A0script></div>")]
    [InlineData("<div><linK\u00e9></div>")]
    [InlineData("<div><ſcript></div>")]
    [InlineData("<div>Diagnóstico: ok, écrit le 3 = 4 <b>x</b></div>")]
    [InlineData("<div><meta></div>")]
    [InlineData("<div><input")]
    public void Xhtml_scanner_agrees_with_the_regular_expression(string html)
    {
        Assert.Equal(!XhtmlSafety.IsUnsafeByRegex(html), XhtmlSafety.IsSafe(html));
        Assert.Equal(XhtmlSafety.ScanForUnsafe(html.AsSpan()), XhtmlSafety.ScanForUnsafe<byte>(System.Text.Encoding.UTF8.GetBytes(html)));
    }

    [Fact]
    public void Xhtml_scanner_agrees_on_random_text()
    {
        // on UTF-16 with the regular expression, and on UTF-8 (what the parser keeps of a long narrative) with
        // itself: Unsure is where both defer to the regular expression
        var rnd = new Random(7);
        const string alphabet = "<>=: \t\nonscriptONSCRIPTjavaJAVAformeta_xé\u00A0ſ中\"/";
        for (var n = 0; n < 20000; n++)
        {
            var chars = new char[rnd.Next(1, 40)];
            for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[rnd.Next(alphabet.Length)];
            var html = "<div>" + new string(chars);
            Assert.True(!XhtmlSafety.IsUnsafeByRegex(html) == XhtmlSafety.IsSafe(html), html);
            Assert.True(XhtmlSafety.ScanForUnsafe(html.AsSpan()) == XhtmlSafety.ScanForUnsafe<byte>(System.Text.Encoding.UTF8.GetBytes(html)), html);
        }
    }

    [Theory]
    [InlineData("dataAbsentReason.empty() or value.empty()", "dataAbsentReason,value")]
    [InlineData("contact.all(name.exists() or telecom.exists())", "contact,name,telecom")]
    [InlineData("code.empty() or system = %ucum", "code,system")]
    [InlineData("iif(a.exists(), b, c)", "a,b,c")]
    [InlineData("value.ofType(Quantity).exists()", "value")]
    [InlineData("true", "")]
    [InlineData("hasValue() or children().count() > 1", null)]
    [InlineData("where($this = 'a')", null)]
    [InlineData("name.where($this.given.exists())", null)]
    [InlineData("Patient.name.exists()", null)]
    [InlineData("%resource.id.exists()", null)]
    [InlineData("today() > birthDate", null)]
    public void Focus_names_are_the_only_ways_into_the_focus(string expression, string? names)
    {
        var found = FhirPathCompiler.Compile(expression).FocusNames;
        Assert.Equal(names, found is null ? null : string.Join(',', found));
    }

    [Fact]
    public void Union_and_distinct_of_many_strings_keep_first_appearances()
    {
        var letters = string.Join(" | ", "abcabcdefgha".Select(c => $"'{c}'"));
        Assert.Equal(["a", "b", "c", "d", "e", "f", "g", "h"], Eval(Patient, letters).Cast<string>());
        Assert.Equal([false], Eval(Patient, "('a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h').combine('a').isDistinct()"));
        Assert.Equal([true], Eval(Patient, "('a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h').combine('i').isDistinct()"));
        // mixed types fall back to pairwise equality: 1 and 1.0 are equal
        Assert.Equal(9, Eval(Patient, "(1 | 1.0 | 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h')").Count);
    }

    [Fact]
    public void Wide_nodes_navigate_through_an_index_that_follows_changes()
    {
        var root = new ElementNode("Bundle", "Bundle") { IsResource = true };
        for (var i = 0; i < 40; i++) root.Add(new ElementNode("entry", "BackboneElement") { Value = "e" + i });
        root.Add(new ElementNode("type", "code") { Value = "batch" });
        // the index is built only once a node has been stepped into a few times
        Assert.Equal(40, Often(root, "entry").Count);
        Assert.Equal(["batch"], Values(Often(root, "type")));
        root.Insert(0, new ElementNode("type", "code") { Value = "second" });
        // one name in two runs of children: both, in document order
        Assert.Equal(["second", "batch"], Values(Often(root, "type")));
        root.Children[1].Name = "renamed";
        Assert.Equal(39, Often(root, "entry").Count);
        Assert.Equal(["e1", "e2"], Values(Often(root, "entry")).Take(2));
        Assert.Single(Often(root, "renamed"));
    }

    private static IReadOnlyList<object> Often(ElementNode focus, string expression)
    {
        var compiled = FhirPathCompiler.Compile(expression);
        for (var i = 0; i < 10; i++) compiled.Evaluate(focus);
        return compiled.Evaluate(focus);
    }

    private static IEnumerable<string?> Values(IReadOnlyList<object> nodes) => nodes.Select(n => ((ElementNode)n).Value);

    private static IReadOnlyList<object> Eval(ElementNode focus, string expression) => FhirPathCompiler.Compile(expression).Evaluate(focus);
}
