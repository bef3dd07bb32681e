using Shifo.Server.Security.Access;
using Shifo.Server.Security.AuthServer;
using Shifo.Server.Security.Scopes;

namespace Shifo.Server.Tests.Security;

public sealed class SmartScopeTests
{
    [Theory]
    [InlineData("patient/Observation.rs", ScopeContext.Patient, "Observation", ScopeActions.Read | ScopeActions.Search)]
    [InlineData("user/*.cruds", ScopeContext.User, "*", ScopeActions.All)]
    [InlineData("system/Patient.c", ScopeContext.System, "Patient", ScopeActions.Create)]
    [InlineData("system/*.read", ScopeContext.System, "*", ScopeActions.Read | ScopeActions.Search)]
    [InlineData("patient/Consent.write", ScopeContext.Patient, "Consent", ScopeActions.Create | ScopeActions.Update | ScopeActions.Delete)]
    [InlineData("user/Observation.*", ScopeContext.User, "Observation", ScopeActions.All)]
    public void Scopes_of_v1_and_v2_parse(string text, ScopeContext context, string type, ScopeActions actions)
    {
        Assert.True(SmartScope.TryParse(text, out var scope));
        Assert.Equal(new SmartScope(context, type, actions), scope);
    }

    [Theory]
    [InlineData("patient/Observation.sr")] // v2 letters must keep the order c r u d s
    [InlineData("patient/Observation.rr")]
    [InlineData("patient/Observation.x")]
    [InlineData("patient/Observation.")]
    [InlineData("practitioner/Observation.rs")]
    [InlineData("patient/observation.rs")]
    [InlineData("patient/Observation.rs?category=laboratory")]
    [InlineData("patient/.rs")]
    [InlineData("openid")]
    [InlineData("launch/patient")]
    public void Other_words_are_not_resource_scopes(string text) => Assert.False(SmartScope.TryParse(text, out _));

    [Fact]
    public void A_scope_set_keeps_every_word_and_combines_actions_of_its_scopes()
    {
        var set = ScopeSet.Parse("openid  fhirUser patient/Observation.r patient/*.s user/Patient.cud");
        Assert.Equal(5, set.Words.Count);
        Assert.True(set.Has("openid"));
        Assert.Equal(3, set.ResourceScopes.Count);
        Assert.True(set.Allows(ScopeContext.Patient, "Observation", ScopeActions.Read | ScopeActions.Search));
        Assert.False(set.Allows(ScopeContext.Patient, "Condition", ScopeActions.Read));
        Assert.False(set.Allows(ScopeContext.User, "Observation", ScopeActions.Read));
        Assert.True(set.AllowsAny("Patient", ScopeActions.Update));
        Assert.Empty(ScopeSet.Parse(null).Words);
    }

    [Fact]
    public void Granting_cuts_requested_scopes_down_to_what_is_allowed()
    {
        var granted = ScopeGrants.Intersect(
            ScopeSet.Parse("system/Patient.cruds system/*.rs system/Observation.d openid user/*.rs system/Encounter.read"),
            ScopeSet.Parse("system/*.rs system/Observation.cud"),
            ScopeContext.System);
        Assert.Equal("system/Patient.rs system/*.rs system/Observation.d openid system/Encounter.rs", granted.ToString());

        // a type-specific allowance never grants a request for every type
        Assert.Empty(ScopeGrants.Intersect(ScopeSet.Parse("user/*.rs"), ScopeSet.Parse("user/Patient.rs"), ScopeContext.User).ResourceScopes);
    }

    [Theory]
    [InlineData(AccessRole.Citizen, "patient/*.rs patient/Consent.cruds")]
    [InlineData(AccessRole.Practitioner, "user/*.cruds")]
    [InlineData(AccessRole.Pharmacist, "user/*.rs user/MedicationDispense.cruds")]
    [InlineData(AccessRole.Admin, "")]
    public void Each_role_has_its_sign_in_scopes(AccessRole role, string scopes) => Assert.Equal(scopes, ScopeGrants.ForRole(role));
}
