using System.Globalization;
using System.Xml.Linq;
using Shifo.Fhir.FhirPath;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;

namespace Shifo.Conformance;

/// <summary>
/// Runs the official FHIRPath R4 suite (tests-fhir-r4.xml) read in place from <c>dir</c>. Each test's XML input file is
/// read from its JSON twin under input/. Tests introduced in FHIRPath 2.1.0 are counted apart and not scored.
/// An expected syntax error must be a <see cref="FhirPathSyntaxException"/>; an expected semantic or execution error
/// may be any <see cref="FhirPathException"/> (this engine checks names and types when it evaluates, not before).
/// Tests run in strict mode (unknown element names are errors) unless their mode attribute says lenient.
/// </summary>
public static class FhirPathSuite
{
    public static SuiteResult Run(string dir)
    {
        var file = Path.Combine(dir, "tests-fhir-r4.xml");
        if (!File.Exists(file)) throw new FileNotFoundException("The FHIRPath suite is not at " + file);
        var doc = XDocument.Load(file);
        var inputs = new Dictionary<string, ElementNode?>(StringComparer.Ordinal);
        int passed = 0, failed = 0, later = 0, laterPassed = 0;
        foreach (var group in doc.Root!.Elements().Where(e => e.Name.LocalName == "group"))
        {
            foreach (var test in group.Elements().Where(e => e.Name.LocalName == "test"))
            {
                var name = (string?)test.Attribute("name") ?? "(unnamed)";
                var isLater = (string?)test.Attribute("version") == "2.1.0" || (string?)group.Attribute("version") == "2.1.0";
                var failure = RunTest(dir, test, inputs);
                if (isLater)
                {
                    later++;
                    if (failure is null) laterPassed++;
                    continue;
                }
                if (failure is null) { passed++; continue; }
                failed++;
                Console.WriteLine($"FAIL {group.Attribute("name")?.Value}/{name}: {failure}");
            }
        }
        Console.WriteLine($"FHIRPath 2.1.0 tests (not counted): {laterPassed} of {later} pass");
        return new SuiteResult(passed, failed);
    }

    /// <summary>Null when the test passes, else what went wrong.</summary>
    private static string? RunTest(string dir, XElement test, Dictionary<string, ElementNode?> inputs)
    {
        var expressionElement = test.Elements().First(e => e.Name.LocalName == "expression");
        var expression = expressionElement.Value;
        var invalid = (string?)expressionElement.Attribute("invalid");
        var expected = test.Elements().Where(e => e.Name.LocalName == "output")
            .Select(o => ((string?)o.Attribute("type"), o.Value)).ToList();
        var predicate = (string?)test.Attribute("predicate") == "true";
        var ordered = (string?)test.Attribute("ordered") != "false";

        ElementNode? focus = null;
        if ((string?)test.Attribute("inputfile") is { } inputFile)
        {
            if (!inputs.TryGetValue(inputFile, out focus))
            {
                var json = Path.Combine(dir, "input", Path.ChangeExtension(inputFile, ".json"));
                focus = inputs[inputFile] = File.Exists(json) ? FhirJsonParser.Parse(File.ReadAllText(json)).Resource : null;
            }
            if (focus is null) return $"input {inputFile} has no readable JSON twin";
        }

        IReadOnlyList<object> actual;
        try
        {
            var compiled = FhirPathCompiler.Compile(expression);
            var mode = (string?)test.Attribute("mode") ?? (string?)expressionElement.Attribute("mode");
            var strict = mode is null or "strict";
            actual = compiled.Evaluate(focus, new EvaluationContext { Resource = focus, RootResource = focus, StrictNames = strict });
            if (predicate) actual = [actual.Count > 0];
        }
        catch (FhirPathSyntaxException ex)
        {
            return invalid is not null ? null : $"{expression}\n    unexpected error: {ex.Message}";
        }
        catch (FhirPathException ex)
        {
            if (invalid is "semantic" or "execution" or "true") return null;
            return invalid == "syntax"
                ? $"{expression}\n    expected a syntax error, got: {ex.Message}"
                : $"{expression}\n    unexpected error: {ex.Message}";
        }
        if (invalid is not null) return $"{expression}\n    expected a {invalid} error, got [{Show(actual)}]";

        if (Matches(expected, actual, ordered)) return null;
        return $"{expression}\n    expected [{string.Join(", ", expected.Select(e => e.Item2))}]\n    actual   [{Show(actual)}]";
    }

    private static bool Matches(List<(string? Type, string Text)> expected, IReadOnlyList<object> actual, bool ordered)
    {
        if (expected.Count != actual.Count) return false;
        if (ordered) return expected.Zip(actual).All(p => ItemMatches(p.First, p.Second));
        var used = new bool[actual.Count];
        foreach (var e in expected)
        {
            var j = Enumerable.Range(0, actual.Count).FirstOrDefault(k => !used[k] && ItemMatches(e, actual[k]), -1);
            if (j < 0) return false;
            used[j] = true;
        }
        return true;
    }

    private static bool ItemMatches((string? Type, string Text) expected, object item)
    {
        var value = item is ElementNode node ? FhirPathValues.ToSystemValue(node) ?? (object)node : item;
        switch (expected.Type)
        {
            case "boolean": return value is bool b && (b ? "true" : "false") == expected.Text;
            case "integer": return value is long l && l.ToString(CultureInfo.InvariantCulture) == expected.Text;
            case "decimal":
                return value is decimal or long && decimal.TryParse(expected.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                       && (value is long i ? i : (decimal)value) == d;
            case "string" or "code" or "id" or "uri": return value is string s && s == expected.Text;
            case "date" or "dateTime" or "time": return value is FhirPathTemporal && Literal(value) == expected.Text;
            case "Quantity": return value is FhirPathQuantity q && q.ToString() == expected.Text;
            default: return Literal(value) == expected.Text;
        }
    }

    /// <summary>The FHIRPath literal text of a result, as untyped outputs are written.</summary>
    private static string Literal(object value) => value switch
    {
        FhirPathTime t => "@T" + t,
        FhirPathTemporal t => "@" + t,
        ElementNode n => n.Location,
        _ => FhirPathValues.ToStringValue(value) ?? value.ToString() ?? "",
    };

    private static string Show(IReadOnlyList<object> items) => string.Join(", ", items.Select(i => i switch
    {
        ElementNode { Value: not null } n => $"{n.TypeName} {n.Value}",
        ElementNode n => n.TypeName + " node",
        string s => $"'{s}'",
        _ => Literal(i),
    }));
}
