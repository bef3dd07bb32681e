using Shifo.Fhir.FhirPath;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.Tests.FhirPath;

public class ResolveTests : FhirPathTestBase
{
    private static readonly ElementNode Bundle = Parse("""
        {"resourceType":"Bundle","type":"collection","entry":[
          {"fullUrl":"http://shifo.uz/fhir/Patient/p1","resource":{"resourceType":"Patient","id":"p1","name":[{"family":"Karimova"}]}},
          {"fullUrl":"urn:uuid:3b0d5e4c-0000-4000-8000-000000000001","resource":{"resourceType":"Practitioner","id":"d1"}},
          {"fullUrl":"http://shifo.uz/fhir/Observation/o1","resource":{"resourceType":"Observation","id":"o1","status":"final",
            "code":{"text":"weight"},"subject":{"reference":"Patient/p1"},
            "performer":[{"reference":"urn:uuid:3b0d5e4c-0000-4000-8000-000000000001"},{"reference":"Organization/elsewhere"}]}}]}
        """);

    [Fact]
    public void Resolves_contained_resources_by_hash_id()
    {
        Assert.Equal("Clinic 1", Value("managingOrganization.resolve().name", Patient));
        Assert.True(Bool("managingOrganization.resolve() is Organization", Patient));
    }

    [Fact]
    public void Resolves_within_the_bundle_by_relative_reference_and_full_url()
    {
        var observation = Bundle.ChildrenNamed("entry").Last().Child("resource")!;
        Assert.Equal("Karimova", Value("subject.resolve().name.family", observation));
        Assert.True(Bool("subject.resolve() is Patient", observation));
        Assert.Single(Eval("performer.resolve()", observation));
        Assert.True(Bool("entry.resource.ofType(Observation).performer.first().resolve() is Practitioner", Bundle));
    }

    [Fact]
    public void Falls_back_to_the_resolver_of_the_context()
    {
        var observation = Bundle.ChildrenNamed("entry").Last().Child("resource")!;
        var org = Parse("""{"resourceType":"Organization","id":"elsewhere","name":"Elsewhere"}""");
        var ctx = new EvaluationContext { Resolver = r => r == "Organization/elsewhere" ? org : null };
        var result = FhirPathCompiler.Compile("performer.resolve()").Evaluate(observation, ctx);
        Assert.Equal(2, result.Count);
        Assert.Same(org, result[1]);
    }
}
