using Shifo.Fhir.Outcomes;
using Shifo.Fhir.Validation;
using static Shifo.Fhir.Tests.Validation.SpecExample;

namespace Shifo.Fhir.Tests.Validation;

/// <summary>
/// Child plans are kept on their parent's plan per type, and invariants share focus-independent work within one
/// evaluation: a choice element seen with one type, or a resource validated before, must not decide the next answer.
/// </summary>
public class PlanReuseTests
{
    private static string Component(string type, string value) =>
        $$"""{"code":{"text":"c"},"value{{type}}":"{{value}}"}""";

    private static string ObservationWith(params string[] components) =>
        $$"""{"resourceType":"Observation","status":"final","code":{"text":"panel"},"component":[{{string.Join(",", components)}}]}""";

    private static string[] Errors(ValidationResult result) =>
        result.Issues.Where(i => i.IsError).Select(i => $"{i.Code} {i.Expression}").ToArray();

    [Fact]
    public void A_choice_element_is_checked_by_the_type_each_occurrence_has()
    {
        // "2021-02-30" is a fine string and no date: the same slot (component.value[x]) seen as both, in both orders
        var stringFirst = ObservationWith(Component("String", "2021-02-30"), Component("DateTime", "2021-02-30"));
        var dateFirst = ObservationWith(Component("DateTime", "2021-02-30"), Component("String", "2021-02-30"));
        for (var round = 0; round < 2; round++)
        {
            Assert.Equal(["value Observation.component[1].value"], Errors(Validate(stringFirst)));
            Assert.Equal(["value Observation.component[0].value"], Errors(Validate(dateFirst)));
            Assert.Empty(Errors(Validate(ObservationWith(Component("String", "2021-02-30"), Component("String", "x")))));
            Assert.Equal(["value Observation.component[0].value", "value Observation.component[1].value"],
                Errors(Validate(ObservationWith(Component("DateTime", "2021-02-30"), Component("DateTime", "1990-13-01")))));
        }
    }

    [Fact]
    public void Fresh_validators_agree_with_the_shared_one()
    {
        var json = ObservationWith(Component("Time", "25:00:00"), Component("String", "25:00:00"), Component("Integer", "1"));
        var shared = Errors(Validate(json));
        Assert.Contains("value Observation.component[0].value", shared);
        Assert.DoesNotContain("value Observation.component[1].value", shared);
        Assert.Equal(shared, Errors(new FhirValidator().Validate(System.Text.Encoding.UTF8.GetBytes(json))));
    }

    private const string Referenced = """
        {"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o1","name":"A"}],"managingOrganization":{"reference":"#o1"}}
        """;

    private const string Unreferenced = """
        {"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o1","name":"A"}],"managingOrganization":{"reference":"Organization/9"}}
        """;

    private static Issue[] Dom3(ValidationResult result) =>
        result.Issues.Where(i => i.IsError && i.Message.StartsWith("Constraint dom-3 ", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void Dom3_answers_for_each_resource_validated_in_turn()
    {
        // dom-3 reads %resource.descendants() several times: memoized per evaluation, never across resources
        for (var round = 0; round < 2; round++)
        {
            Assert.Empty(Dom3(Validate(Referenced)));
            Assert.Single(Dom3(Validate(Unreferenced)));
            Assert.Empty(Dom3(Validate(Referenced)));
        }
    }

    [Fact]
    public void Dom3_answers_for_each_entry_of_a_bundle()
    {
        var bundle = $$"""
            {"resourceType":"Bundle","type":"collection","entry":[
              {"fullUrl":"urn:uuid:5b4e2c1a-0f3e-4c8e-9a59-000000000001","resource":{{Referenced}}},
              {"fullUrl":"urn:uuid:5b4e2c1a-0f3e-4c8e-9a59-000000000002","resource":{{Unreferenced}}},
              {"fullUrl":"urn:uuid:5b4e2c1a-0f3e-4c8e-9a59-000000000003","resource":{{Referenced}}}]}
            """;
        var issue = Assert.Single(Dom3(Validate(bundle)));
        Assert.Contains("entry[1]", issue.Expression);
    }
}
