using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Shifo.Server.Security.Access;
using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Security;

/// <summary>
/// Attacks on enforcement through HTTP that once worked: each test is the attack, and asserts that it now fails.
/// Every test makes its own patients and organizations (ids never seen before).
/// </summary>
public abstract class RedTeamTests(ISecureServer secure)
{
    private ServerFixture Server => secure.Server;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    private sealed record Reply(HttpStatusCode Status, string Body)
    {
        public JsonNode Json => JsonNode.Parse(Body)!;
        public int EntryCount => Json["entry"]?.AsArray().Count ?? 0;
        public bool HasTotal => Json["total"] is not null;
        public bool HasNext => (Json["link"]?.AsArray() ?? []).Any(l => (string?)l!["relation"] == "next");
    }

    private async Task<Reply> SendAsync(string token, HttpMethod method, string url, string? json = null, string? breakGlass = null)
    {
        using var request = new HttpRequestMessage(method, "fhir/" + url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (breakGlass is not null) request.Headers.Add("X-Break-Glass-Reason", breakGlass);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/fhir+json");
        var response = await Server.Client.SendAsync(request);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<Reply> GetAsync(string token, string url, string? breakGlass = null) => SendAsync(token, HttpMethod.Get, url, breakGlass: breakGlass);

    private Task<string> SystemAsync() => TestTokens.IssueAsync(Server, AccessRole.System, "system/*.cruds");

    private Task<string> PractitionerAsync(string organization) =>
        TestTokens.IssueAsync(Server, AccessRole.Practitioner, "user/*.cruds", fhirUser: $"Practitioner/{Unique("pr")}", organization: $"Organization/{organization}");

    private async Task PutAsync(string token, JsonObject resource)
    {
        var reply = await SendAsync(token, HttpMethod.Put, $"{resource["resourceType"]}/{resource["id"]}", resource.ToJsonString());
        Assert.True(reply.Status is HttpStatusCode.Created or HttpStatusCode.OK, reply.Body);
    }

    private static void AssertForbidden(Reply reply) =>
        Assert.True(reply.Status == HttpStatusCode.Forbidden, $"expected 403, got {(int)reply.Status}: {reply.Body}");

    private static JsonObject Patient(string id, string family) => new()
    {
        ["resourceType"] = "Patient", ["id"] = id,
        ["name"] = new JsonArray(new JsonObject { ["family"] = family }),
        ["birthDate"] = "1980-01-01",
    };

    private static JsonObject Observation(string id, JsonObject subject, string marker) => new()
    {
        ["resourceType"] = "Observation", ["id"] = id, ["status"] = "final",
        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "8867-4" }) },
        ["subject"] = subject,
        ["valueString"] = marker,
    };

    private static JsonObject Encounter(string id, string patient, string organization) => new()
    {
        ["resourceType"] = "Encounter", ["id"] = id, ["status"] = "finished",
        ["class"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = "AMB" },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
        ["serviceProvider"] = new JsonObject { ["reference"] = $"Organization/{organization}" },
    };

    private static JsonObject Consent(string id, string patient, string type, string? actor, string? resourceClass)
    {
        var provision = new JsonObject { ["type"] = type };
        if (actor is not null)
            provision["actor"] = new JsonArray(new JsonObject
            {
                ["role"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", ["code"] = "IRCP" }) },
                ["reference"] = new JsonObject { ["reference"] = actor },
            });
        if (resourceClass is not null)
            provision["class"] = new JsonArray(new JsonObject { ["system"] = "http://hl7.org/fhir/resource-types", ["code"] = resourceClass });
        return new JsonObject
        {
            ["resourceType"] = "Consent", ["id"] = id, ["status"] = "active",
            ["scope"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/consentscope", ["code"] = "patient-privacy" }) },
            ["category"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "59284-0" }) }),
            ["patient"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
            ["policyRule"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = "OPTIN" }) },
            ["provision"] = provision,
        };
    }

    // ---------------- oracles in Patient searches ----------------

    [Fact]
    public async Task A_filtered_patient_search_answers_the_same_whether_a_refused_patient_matched_or_not()
    {
        var system = await SystemAsync();
        var (patient, family) = (Unique("p"), Unique("F"));
        await PutAsync(system, Patient(patient, family));
        var stranger = await PractitionerAsync(Unique("org"));

        foreach (var extra in new[] { "_total=accurate", "_summary=count", "" })
        {
            var hit = await GetAsync(stranger, $"Patient?_id={patient}&family={family}&{extra}");
            var miss = await GetAsync(stranger, $"Patient?_id={patient}&family={Unique("WRONG")}&{extra}");
            Assert.Equal(HttpStatusCode.OK, hit.Status);
            Assert.Equal(HttpStatusCode.OK, miss.Status);
            Assert.Equal(0, hit.EntryCount);
            Assert.True(miss.HasTotal == hit.HasTotal && (string?)miss.Json["total"]?.ToString() == (string?)hit.Json["total"]?.ToString(),
                $"'{extra}': a match refused answers {hit.Body} where no match answers {miss.Body}");
        }
    }

    // ---------------- changing the rules one is judged by ----------------

    [Fact]
    public async Task A_practitioner_may_not_lift_a_consent_deny_that_applies_to_them()
    {
        var system = await SystemAsync();
        var (patient, org) = (Unique("p"), Unique("org"));
        await PutAsync(system, Patient(patient, Unique("F")));
        await PutAsync(system, Encounter(Unique("e"), patient, org));
        var observation = Unique("o");
        await PutAsync(system, Observation(observation, new JsonObject { ["reference"] = $"Patient/{patient}" }, "SECRET"));
        var consent = Consent(Unique("c"), patient, "deny", $"Organization/{org}", "Observation");
        await PutAsync(system, consent);
        var practitioner = await PractitionerAsync(org);
        AssertForbidden(await GetAsync(practitioner, $"Observation/{observation}"));

        var lifted = consent.DeepClone().AsObject();
        lifted["status"] = "inactive";
        AssertForbidden(await SendAsync(practitioner, HttpMethod.Put, $"Consent/{consent["id"]}", lifted.ToJsonString()));
        AssertForbidden(await SendAsync(practitioner, HttpMethod.Delete, $"Consent/{consent["id"]}"));
        AssertForbidden(await GetAsync(practitioner, $"Observation/{observation}"));
    }

    [Fact]
    public async Task Breaking_the_glass_does_not_let_a_practitioner_write_a_consent_permitting_themselves()
    {
        var system = await SystemAsync();
        var (patient, org) = (Unique("p"), Unique("org"));
        await PutAsync(system, Patient(patient, Unique("F")));
        var observation = Unique("o");
        await PutAsync(system, Observation(observation, new JsonObject { ["reference"] = $"Patient/{patient}" }, "SECRET"));
        var practitioner = await PractitionerAsync(org);
        AssertForbidden(await GetAsync(practitioner, $"Observation/{observation}"));

        var permit = Consent(Unique("c"), patient, "permit", $"Organization/{org}", null);
        AssertForbidden(await SendAsync(practitioner, HttpMethod.Put, $"Consent/{permit["id"]}", permit.ToJsonString(), breakGlass: "unconscious patient"));
        AssertForbidden(await GetAsync(practitioner, $"Observation/{observation}"));
    }
}

[Collection(SqliteEnforcementCollection.Name)]
public sealed class SqliteRedTeamTests(SecureSqliteServerFixture server) : RedTeamTests(server);

[Collection(PostgresEnforcementCollection.Name)]
public sealed class PostgresRedTeamTests(SecurePostgresServerFixture server) : RedTeamTests(server);
