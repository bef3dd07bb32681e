using Shifo.Fhir.Definitions;
using Shifo.Fhir.FhirPath;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.Tests.FhirPath;

/// <summary>
/// is/as/ofType remember per type specifier whether another FHIR type matches it: one compiled expression asked about
/// items of many types, in any order, must answer each as the definitions' hierarchy does.
/// </summary>
public class TypeHierarchyCacheTests : FhirPathTestBase
{
    private static readonly ElementNode ConditionWithAge = Parse("""
        {"resourceType":"Condition","subject":{"reference":"Patient/1"},
         "onsetAge":{"value":52,"unit":"years","system":"http://unitsofmeasure.org","code":"a"},
         "abatementString":"in remission"}
        """);

    private static readonly ElementNode ObservationWithString = Parse("""
        {"resourceType":"Observation","status":"final","code":{"text":"note"},"valueString":"185"}
        """);

    // canonical (meta.profile), uri (implicitRules), code (gender), boolean, id, url (telecom is ContactPoint: no url)
    private static readonly ElementNode UriFamily = Parse("""
        {"resourceType":"Patient","id":"u1","meta":{"profile":["http://example.org/StructureDefinition/p"]},
         "implicitRules":"http://example.org/rules","gender":"female","active":true,
         "photo":[{"contentType":"image/png","url":"http://example.org/photo.png"}]}
        """);

    private static readonly ElementNode MixedBundle = Parse("""
        {"resourceType":"Bundle","type":"collection","entry":[
          {"resource":{"resourceType":"Patient","id":"a"}},
          {"resource":{"resourceType":"Parameters","parameter":[{"name":"x","valueString":"y"}]}},
          {"resource":{"resourceType":"Binary","contentType":"text/plain"}},
          {"resource":{"resourceType":"Patient","id":"b"}}]}
        """);

    private static string Answers(CompiledExpression expression, ElementNode focus) =>
        string.Join(",", expression.Evaluate(focus).Select(i => i is ElementNode n ? n.TypeName : FhirPathValues.ToStringValue(i)));

    [Fact]
    public void OfType_Quantity_takes_Quantity_and_its_specialisations_only()
    {
        var ofType = FhirPathCompiler.Compile("children().ofType(Quantity)");
        // the same specifier sees Quantity, Age, string, CodeableConcept and back: each answer its own
        Assert.Equal("Quantity", Answers(ofType, Observation));
        Assert.Equal("Age", Answers(ofType, ConditionWithAge));
        Assert.Equal("", Answers(ofType, ObservationWithString));
        Assert.Equal("Quantity", Answers(ofType, Observation));
        Assert.Equal("Age", Answers(ofType, ConditionWithAge));

        var value = FhirPathCompiler.Compile("Observation.value.ofType(Quantity).value");
        Assert.Equal(185m, FhirPathValues.ToSystemValue((ElementNode)value.Evaluate(Observation).Single()));
        Assert.Empty(value.Evaluate(ObservationWithString));
        Assert.Single(value.Evaluate(Observation));
    }

    [Theory]
    [InlineData("Condition.onset.is(Age)", true)]
    [InlineData("Condition.onset.is(Quantity)", true)]
    [InlineData("Condition.onset is Quantity", true)]
    [InlineData("Condition.onset.as(Quantity).exists()", true)]
    [InlineData("(Condition.onset as Quantity).exists()", true)]
    [InlineData("Condition.onset.is(Duration)", false)]
    [InlineData("Condition.onset.is(FHIR.Age)", true)]
    [InlineData("Condition.onset.is(System.Quantity)", false)]
    [InlineData("Condition.abatement.is(Age)", false)]
    [InlineData("Condition.abatement.is(string)", true)]
    [InlineData("Condition.is(DomainResource)", true)]
    [InlineData("Condition.is(Resource)", true)]
    [InlineData("Condition.is(Observation)", false)]
    public void Condition_onset_Age(string expression, bool expected) =>
        Assert.Equal(expected, Bool(expression, ConditionWithAge));

    [Theory]
    [InlineData("Observation.value.is(Age)", false)]
    [InlineData("Observation.value.is(Quantity)", true)]
    [InlineData("Observation.value is Age", false)]
    [InlineData("Observation.value.as(Age).exists()", false)]
    public void A_plain_Quantity_is_not_an_Age(string expression, bool expected) =>
        Assert.Equal(expected, Bool(expression, Observation));

    [Fact]
    public void Quantity_questions_asked_in_both_orders_agree()
    {
        // one compiled expression per question, evaluated on the subtype first and on the base type first
        foreach (var order in new[] { new[] { ConditionWithAge, Observation }, [Observation, ConditionWithAge] })
        {
            var isAge = FhirPathCompiler.Compile("children().where(is(Age)).count()");
            var isQuantity = FhirPathCompiler.Compile("children().where(is(Quantity)).count()");
            foreach (var focus in order)
            {
                var expectedAge = focus == ConditionWithAge ? 1L : 0L;
                Assert.Equal(expectedAge, isAge.Evaluate(focus).Single());
                Assert.Equal(1L, isQuantity.Evaluate(focus).Single());
            }
        }
    }

    [Theory]
    // a primitive "is" its ancestors (canonical is a uri, code is a string) but "as"/ofType only match its own type
    [InlineData("descendants().ofType(uri).count()", 1L)]
    [InlineData("descendants().ofType(canonical).count()", 1L)]
    [InlineData("descendants().ofType(url).count()", 1L)]
    [InlineData("descendants().where(is(canonical)).count()", 1L)]
    [InlineData("descendants().as(canonical).count()", 1L)]
    [InlineData("descendants().where($this is uri).count()", 3L)]
    [InlineData("gender.is(string)", true)]
    [InlineData("gender.as(string).exists()", false)]
    [InlineData("gender.as(code).exists()", true)]
    [InlineData("implicitRules.as(canonical).exists()", false)]
    [InlineData("implicitRules.is(canonical)", false)]
    [InlineData("meta.profile.as(uri).exists()", false)]
    [InlineData("meta.profile.is(uri)", true)]
    [InlineData("(meta.profile as canonical).exists()", true)]
    [InlineData("active.is(boolean) and active.is(System.Boolean).not()", true)]
    public void Uri_family_and_other_primitives(string expression, object expected)
    {
        var compiled = FhirPathCompiler.Compile(expression);
        // twice: the second answer comes from the cache
        for (var i = 0; i < 2; i++)
        {
            var result = compiled.Evaluate(UriFamily);
            var single = Assert.Single(result);
            Assert.Equal(expected, single is ElementNode n ? FhirPathValues.ToSystemValue(n) : single);
        }
    }

    [Fact]
    public void Resource_hierarchy_per_entry()
    {
        var domain = FhirPathCompiler.Compile("Bundle.entry.resource.select(is(DomainResource))");
        var resource = FhirPathCompiler.Compile("Bundle.entry.resource.select(is(Resource))");
        var patients = FhirPathCompiler.Compile("Bundle.entry.resource.ofType(Patient).id");
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal([true, false, false, true], domain.Evaluate(MixedBundle).Cast<bool>());
            Assert.Equal([true, true, true, true], resource.Evaluate(MixedBundle).Cast<bool>());
            Assert.Equal(["a", "b"], patients.Evaluate(MixedBundle).Select(n => ((ElementNode)n).Value));
        }
    }

    [Fact]
    public void Every_answer_is_the_definitions_answer()
    {
        // the answer without the cache: the type itself, else an ancestor by the definitions (a primitive only for is)
        static bool Direct(ElementNode node, string type, bool exact) =>
            node.TypeName == type || (!(exact && FhirDefinitions.R4.IsPrimitiveType(node.TypeName))
                && FhirDefinitions.R4.IsKnownType(type) && FhirDefinitions.R4.IsSubtypeOf(node.TypeName, type));

        string[] types = ["uri", "canonical", "url", "string", "code", "id", "Quantity", "Age", "Duration", "Element",
            "BackboneElement", "Resource", "DomainResource", "Patient", "CodeableConcept"];
        var nodes = new[] { Patient, Observation, ConditionWithAge, ObservationWithString, UriFamily, MixedBundle }
            .SelectMany(r => FhirPathCompiler.Compile("descendants()").Evaluate(r).Cast<ElementNode>().Prepend(r))
            .ToArray();
        var mismatches = new List<string>();
        foreach (var type in types)
        {
            var isType = FhirPathCompiler.Compile($"is({type})");
            var asType = FhirPathCompiler.Compile($"as({type}).exists()");
            // twice over all nodes: once filling the cache, once reading it
            for (var round = 0; round < 2; round++)
                foreach (var node in nodes)
                {
                    if (isType.EvaluateBoolean(node) != Direct(node, type, exact: false)) mismatches.Add($"{node.TypeName}.is({type})");
                    if (asType.EvaluateBoolean(node) != Direct(node, type, exact: true)) mismatches.Add($"{node.TypeName}.as({type})");
                }
        }
        Assert.True(mismatches.Count == 0, string.Join(", ", mismatches.Distinct()));
    }

    [Fact]
    public void Type_answers_hold_when_many_threads_ask_at_once()
    {
        var expression = FhirPathCompiler.Compile("descendants().where(is(uri) or is(Quantity)).count()");
        var expected = new[] { Observation, ConditionWithAge, UriFamily, MixedBundle }.Select(r => expression.Evaluate(r).Single()).ToArray();
        var fresh = FhirPathCompiler.Compile("descendants().where(is(uri) or is(Quantity)).count()");
        var failures = 0;
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var r = i % 4;
            var focus = new[] { Observation, ConditionWithAge, UriFamily, MixedBundle }[r];
            if (!Equals(fresh.Evaluate(focus).Single(), expected[r])) Interlocked.Increment(ref failures);
        });
        Assert.Equal(0, failures);
    }
}
