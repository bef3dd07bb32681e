using Shifo.Fhir.Definitions;
using Shifo.Fhir.FhirPath;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;
using Shifo.Fhir.Validation;
using Shifo.Testing;

namespace Shifo.Fhir.Tests.Validation;

/// <summary>The C# invariants must answer exactly as their FHIRPath does, wherever they answer at all.</summary>
public class NativeInvariantTests
{
    private static readonly string[] NativeKeys =
    [
        "ext-1", "eld-2", "eld-3", "eld-4", "eld-5", "eld-6", "eld-7", "eld-8", "eld-11", "eld-13", "eld-14", "eld-15",
        "eld-16", "eld-17", "eld-18", "eld-19", "eld-20", "eld-22", "sdf-0", "sdf-1", "sdf-3", "sdf-6", "sdf-8", "sdf-9",
        "sdf-10", "sdf-14", "sdf-16", "sdf-17", "sdf-23", "csd-0", "ref-1", "dom-2", "dom-3", "dom-4", "dom-5",
        "dom-6", "qty-3", "cpt-2", "obs-6", "tim-2", "tim-6", "obs-3", "pat-1", "att-1", "txt-1", "txt-2",
        "per-1", "obs-7",
        // plain logic compiled from the FHIRPath (NativeLogic) and the collection rules
        "vsd-9", "vsd-2", "sdf-4", "sdf-5", "sdf-8b", "sdf-11", "sdf-15", "sdf-15a", "sdf-18", "sdf-19", "sdf-21", "sdf-22",
        "eld-12", "bdl-1", "bdl-2", "bdl-8", "spd-2", "cmd-1", "csd-1", "cpb-12", "sdf-20", "bdl-3", "bdl-4", "bdl-7", "sdf-8a",
    ];

    [Fact]
    public void EveryNativeInvariantAgreesWithItsFhirPathOnEveryNodeOfTheSpecExamples()
    {
        var comparison = new Comparison();
        foreach (var file in TestPaths.SpecExampleFiles())
            if (FhirJsonParser.Parse(File.ReadAllBytes(file)).Resource is { } root)
                comparison.Walk(root, Path.GetFileName(file));
        Assert.True(comparison.Mismatches.Count == 0, "native and FHIRPath answers differ:\n" + string.Join("\n", comparison.Mismatches));
        foreach (var key in NativeKeys)
            Assert.True(comparison.Answered.GetValueOrDefault(key) > 0,
                $"{key} was never answered natively (deferred {comparison.Deferred.GetValueOrDefault(key)} times)");
        // the natives must do the work, not defer it: the spec examples hold no odd shapes worth mentioning
        foreach (var (key, count) in comparison.Deferred)
            Assert.True(count * 100 < comparison.Answered.GetValueOrDefault(key), $"{key} deferred {count} times, answered {comparison.Answered.GetValueOrDefault(key)}");
    }

    /// <summary>The spec examples keep these rules, so resources that break them show that both sides say false alike.</summary>
    [Fact]
    public void BrokenRulesAreFalseOnBothSides()
    {
        const string badDefinition = """
            {"resourceType":"StructureDefinition","url":"http://hl7.org/fhir/StructureDefinition/Bad","name":"x-bad","status":"draft",
             "kind":"resource","abstract":false,"type":"Patient","derivation":"specialization",
             "snapshot":{"element":[
               {"id":"Patient","path":"Patient","min":2,"max":"1","label":"l","sliceName":"s","isModifier":true,"definition":"d"},
               {"id":"Patient.a","path":"Patient.a","min":0,"max":"1","type":[{"code":"string"},{"code":"string"}],"fixedString":"x",
                "patternString":"y","binding":{"strength":"required"},"contentReference":"#x","defaultValueString":"z",
                "meaningWhenMissing":"m","sliceIsConstraining":true,
                "constraint":[{"key":"k","severity":"error","human":"h"},{"key":"k","severity":"error","human":"h"}]},
               {"id":"Patient.n","path":"Patient.Name","min":0,"max":"1","definition":"d","sliceName":"a b",
                "type":[{"code":"string","aggregation":["contained"],"targetProfile":["http://hl7.org/fhir/StructureDefinition/Patient"]}]},
               {"path":"Other.a b","min":0,"max":"*","definition":"d"},
               {"id":"Patient.m","path":"Patient.Name","min":0,"max":"1","definition":"d"},
               {"id":"Patient.z","path":"...","min":0,"max":"1","definition":"d"}]},
             "differential":{"element":[{"id":"Patient","path":"Patient","slicing":{"rules":"open"}},{"id":"Patient","path":"Patient.x","type":[{"code":"a b"}]}]}}
            """;
        var comparison = new Comparison();
        comparison.Walk(FhirJsonParser.Parse(badDefinition).Resource!, "bad definition");
        comparison.Walk(FhirJsonParser.Parse("""{"resourceType":"StructureDefinition","name":"Good"}""").Resource!, "no snapshot");
        comparison.Walk(FhirJsonParser.Parse("""{"resourceType":"CodeSystem","name":"bad name","status":"draft","content":"complete"}""").Resource!, "code system");
        comparison.Walk(FhirJsonParser.Parse("""
            {"resourceType":"Patient","extension":[{"url":"http://example.org/a","valueString":"v",
              "extension":[{"url":"http://example.org/b","valueString":"w"}]}]}
            """).Resource!, "patient");
        comparison.Walk(FhirJsonParser.Parse("""
            {"resourceType":"Patient","contained":[
               {"resourceType":"Organization","id":"o1","meta":{"versionId":"1","security":[{"code":"x"}]},
                "contained":[{"resourceType":"Organization","id":"o3"}]},
               {"resourceType":"Organization","id":"o2"}],
             "managingOrganization":{"reference":"#o1"},"generalPractitioner":[{"reference":"#nowhere"}],
             "telecom":[{"value":"1"}],"contact":[{"gender":"other"}]}
            """).Resource!, "patient with contained");
        comparison.Walk(FhirJsonParser.Parse("""
            {"resourceType":"Observation","status":"final",
             "text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><a onclick =\"x()\">a</a></div>"},
             "code":{"text":"x"},"valueQuantity":{"value":1,"code":"mg"},
             "dataAbsentReason":{"text":"y"},"referenceRange":[{"appliesTo":[{"text":"z"}]}],
             "component":[{"code":{"text":"c"}}]}
            """).Resource!, "observation");
        comparison.Walk(FhirJsonParser.Parse("""
            {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},
             "valueQuantity":{"value":120},"effectivePeriod":{"start":"2020-02-01T10:00:00Z","end":"2020-01-01T10:00:00Z"},
             "contained":[{"resourceType":"Observation","status":"final","code":{"text":"t"},"valueString":"v",
               "effectivePeriod":{"start":"2020-01-01","end":"2020-01-01T10:00:00Z"}}],
             "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]}},
                          {"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":1}}]}
            """).Resource!, "observation with a component of its own code");
        comparison.Walk(FhirJsonParser.Parse("""
            {"resourceType":"Patient","contact":[{"period":{"start":"2021","end":"2019"}},{"period":{"start":"2019-05","end":"2021-01"}},
             {"period":{"_start":{"extension":[{"url":"http://example.org/x","valueBoolean":true}]},"end":"2019"}}]}
            """).Resource!, "patient with periods");
        comparison.Walk(FhirJsonParser.Parse("""
            {"resourceType":"Bundle","type":"collection","total":2,"entry":[
              {"fullUrl":"http://example.org/Patient/1","resource":{"resourceType":"Patient"},"request":{"method":"GET","url":"Patient/1"}},
              {"fullUrl":"http://example.org/Patient/1","resource":{"resourceType":"Patient"},"response":{"status":"200"}},
              {"fullUrl":"http://example.org/Patient/2/_history/1","resource":{"resourceType":"Patient"},"search":{"mode":"match"}}]}
            """).Resource!, "bundle");
        comparison.Walk(FhirJsonParser.Parse("""
            {"resourceType":"StructureDefinition","url":"http://example.org/x","name":"X","status":"draft","kind":"resource",
             "abstract":false,"type":"Patient","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient","derivation":"constraint",
             "differential":{"element":[{"id":"Patient","path":"Patient"},{"id":"Observation.code","path":"Observation.code"}]}}
            """).Resource!, "profile whose differential leaves its type");
        comparison.Walk(FhirJsonParser.Parse("""
            {"resourceType":"CodeSystem","name":"Bad","status":"draft","content":"complete",
             "concept":[{"code":"a","concept":[{"code":"b"},{"code":"a"}]}]}
            """).Resource!, "code system with a repeated code");
        comparison.Walk(FhirJsonParser.Parse("""
            {"resourceType":"ValueSet","status":"draft","compose":{"include":[{"concept":[{"code":"a"}]}]},
             "expansion":{"timestamp":"2020-01-01","contains":[{"abstract":false,"display":"x"}]}}
            """).Resource!, "value set");
        comparison.Walk(FhirJsonParser.Parse("""
            {"resourceType":"CapabilityStatement","status":"draft","date":"2020","kind":"instance","fhirVersion":"4.0.1","format":["json"],
             "rest":[{"mode":"server","resource":[{"type":"Patient","searchParam":[{"name":"a","type":"token"},{"name":"a","type":"string"}]}]}]}
            """).Resource!, "capability statement");
        Assert.True(comparison.Mismatches.Count == 0, "native and FHIRPath answers differ:\n" + string.Join("\n", comparison.Mismatches));
        string[] broken =
        [
            "ext-1", "eld-2", "eld-4", "eld-5", "eld-6", "eld-7", "eld-8", "eld-13", "eld-14", "eld-15", "eld-16", "eld-17", "eld-18",
            "eld-19", "eld-20", "eld-22", "sdf-0", "sdf-1", "sdf-3", "sdf-6", "sdf-8", "sdf-9", "sdf-10", "sdf-14", "sdf-16", "sdf-17",
            "sdf-23", "csd-0", "ref-1", "dom-2", "dom-3", "dom-4", "dom-5", "dom-6", "qty-3", "obs-6", "obs-3", "pat-1", "txt-1",
            "per-1", "obs-7", "bdl-1", "bdl-2", "bdl-3", "bdl-4", "bdl-7", "bdl-8", "csd-1", "vsd-2", "vsd-9", "sdf-4", "sdf-19",
            "sdf-20", "sdf-22", "cpb-12", "sdf-8a",
        ];
        var missing = broken.Where(k => !comparison.Outcomes.TryGetValue(k, out var o) || !o.Contains(false)).ToList();
        Assert.True(missing.Count == 0, "never false natively: " + string.Join(", ", missing));
    }

    /// <summary>Walks trees as the validator does and compares each native answer with its FHIRPath's.</summary>
    private sealed class Comparison
    {
        private readonly PlanCache _plans = PlanCache.For(FhirDefinitions.R4);
        public Dictionary<string, int> Answered { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, int> Deferred { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, HashSet<bool?>> Outcomes { get; } = new(StringComparer.Ordinal);
        public List<string> Mismatches { get; } = [];

        public void Walk(ElementNode root, string source) => Walk(root, root, root, source);

        private void Walk(ElementNode node, ElementNode resource, ElementNode rootResource, string source)
        {
            var plan = node.IsResource ? _plans.ForResource(node.TypeName)
                : node.Definition is { } def ? _plans.For(def, node.TypeName) : null;
            if (plan is not null)
                foreach (var inv in plan.CompiledInvariants)
                    if (inv.Native is { } native && inv.Expression is { } expression)
                        Compare(inv.Constraint.Key, native(node, resource), expression, node, resource, rootResource, source);
            foreach (var child in node.ChildList)
            {
                if (child.IsResource) Walk(child, child, child.Name == "contained" ? rootResource : child, source);
                else Walk(child, resource, rootResource, source);
            }
        }

        private void Compare(string key, NativeAnswer answer, CompiledExpression expression, ElementNode node, ElementNode resource,
            ElementNode rootResource, string source)
        {
            if (answer == NativeAnswer.Unknown) { Deferred[key] = Deferred.GetValueOrDefault(key) + 1; return; }
            Answered[key] = Answered.GetValueOrDefault(key) + 1;
            (Outcomes.TryGetValue(key, out var seen) ? seen : Outcomes[key] = []).Add(answer.ToOutcome());
            string fhirPath;
            try
            {
                var result = expression.EvaluateBoolean(node, new EvaluationContext { Resource = resource, RootResource = rootResource });
                if (result == answer.ToOutcome()) return;
                fhirPath = result?.ToString() ?? "empty";
            }
            catch (Exception ex) { fhirPath = "error: " + ex.Message; }
            if (Mismatches.Count < 40) Mismatches.Add($"{source} {node.Location} {key}: native {answer}, FHIRPath {fhirPath}");
        }
    }

    [Theory]
    [InlineData("""{"min":2,"max":"1"}""", false)]
    [InlineData("""{"min":1,"max":"1"}""", true)]
    [InlineData("""{"min":5,"max":"*"}""", true)]
    [InlineData("""{"max":"3"}""", true)]
    public void Eld2ComparesMinAndMax(string element, bool expected)
    {
        var node = ElementDefinition(element);
        var check = NativeInvariants.Find("min.empty() or max.empty() or (max = '*') or iif(max != '*', min <= max.toInteger())")!;
        Assert.Equal(expected, check(node, node).ToOutcome());
        Assert.Equal(expected, FhirPathCompiler.Compile("min.empty() or max.empty() or (max = '*') or iif(max != '*', min <= max.toInteger())").EvaluateBoolean(node));
    }

    [Fact]
    public void UnusualShapesAreLeftToTheFhirPath()
    {
        // a max that is not a number: toInteger() is empty, which only the engine should decide on
        var node = ElementDefinition("""{"min":1,"max":"x"}""");
        var check = NativeInvariants.Find("min.empty() or max.empty() or (max = '*') or iif(max != '*', min <= max.toInteger())")!;
        Assert.Equal(NativeAnswer.Unknown, check(node, node));
        // a path with only extensions: no String for matches()
        var valueless = ElementDefinition("""{"_path":{"extension":[{"url":"http://example.org/x","valueBoolean":true}]}}""");
        var pathRule = NativeInvariants.Find("path.matches('[A-Za-z][A-Za-z0-9]*(\\\\.[a-z][A-Za-z0-9]*(\\\\[x])?)*')")!;
        Assert.Equal(NativeAnswer.Unknown, pathRule(valueless, valueless));
    }

    [Fact]
    public void AnExpressionWordedDifferentlyGetsNoNativeCheck()
    {
        Assert.Null(NativeInvariants.Find("extension.exists() != value.exists() "));
        Assert.Null(NativeInvariants.Find("name.matches('x') and true"));
        Assert.NotNull(NativeInvariants.Find("name.matches('[A-Z]([A-Za-z0-9_]){0,254}')"));
    }

    /// <summary>An ElementDefinition node read from JSON members, inside a StructureDefinition's differential.</summary>
    private static ElementNode ElementDefinition(string members)
    {
        var json = $$$"""{"resourceType":"StructureDefinition","differential":{"element":[{{{members}}}]}}""";
        var sd = FhirJsonParser.Parse(json).Resource!;
        return sd.Child("differential")!.Child("element")!;
    }
}
