using System.Text;
using Shifo.Server.Security.Enforcement;

namespace Shifo.Server.Tests.Security;

/// <summary>The consent policy on its own: which provisions apply to a caller and a resource type, and which wins.</summary>
public sealed class EnforcementConsentRulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static ConsentRules Rules(params string[] provisions) =>
        ConsentRules.From(provisions.Select(p => Encoding.UTF8.GetBytes($$"""{"resourceType":"Consent","status":"active","provision":{{p}}}""")), Now);

    private const string Actor = """{"role":{"text":"r"},"reference":{"reference":"Organization/clinic"}}""";

    [Fact]
    public void A_nested_deny_naming_the_organization_wins_over_the_base_permit_and_leaves_others_alone()
    {
        var rules = Rules($$"""{"type":"permit","provision":[{"type":"deny","actor":[{{Actor}}]}]}""");
        Assert.Equal(ConsentVerdict.Deny, rules.Evaluate("Organization/clinic", null, "Observation", Now));
        Assert.Equal(ConsentVerdict.None, rules.Evaluate("Organization/other", "Practitioner/1", "Observation", Now));
    }

    [Fact]
    public void A_permit_names_its_actor_for_its_classes_only_and_an_absolute_actor_reference_counts()
    {
        var rules = Rules("""{"type":"permit","actor":[{"role":{"text":"r"},"reference":{"reference":"https://node.example/fhir/Organization/clinic"}}],"class":[{"system":"http://hl7.org/fhir/resource-types","code":"Observation"}]}""");
        Assert.Equal(ConsentVerdict.PermitNamed, rules.Evaluate("Organization/clinic", null, "Observation", Now));
        Assert.Equal(ConsentVerdict.None, rules.Evaluate("Organization/clinic", null, "Condition", Now));
        Assert.Equal(ConsentVerdict.None, rules.Evaluate("Organization/other", null, "Observation", Now));
    }

    [Fact]
    public void Periods_bound_provisions_and_whole_consents()
    {
        var lapsed = Rules("""{"type":"permit","provision":[{"type":"deny","actor":[""" + Actor + """],"period":{"end":"2025-01-01"}}]}""");
        Assert.Equal(ConsentVerdict.None, lapsed.Evaluate("Organization/clinic", null, "Observation", Now));
        var notYet = Rules("""{"type":"deny","period":{"start":"2026-01-01"}}""");
        Assert.Equal(ConsentVerdict.None, notYet.Evaluate("Organization/clinic", null, "Observation", Now));
        var running = Rules("""{"type":"deny","period":{"start":"2025-01-01","end":"2025-12-31"}}""");
        Assert.Equal(ConsentVerdict.Deny, running.Evaluate("Organization/anyone", null, "Observation", Now));
    }

    [Fact]
    public void A_permit_without_actor_changes_nothing()
    {
        Assert.Equal(ConsentVerdict.None, Rules("""{"type":"permit"}""").Evaluate("Organization/clinic", null, "Observation", Now));
    }
}
