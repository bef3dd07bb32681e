using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Shifo.Server.Security.Access;
using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Security;

/// <summary>
/// Enforcement through HTTP with security on: authentication, scopes, a citizen's own record, care relationships,
/// consent, break-the-glass, transactions, AuditEvents. Every test makes its own patients (ids never seen before)
/// and puts a secret marker in the data others must not see, so that a leak anywhere in a response is caught.
/// </summary>
public abstract class EnforcementTests(ISecureServer secure)
{
    private ServerFixture Server => secure.Server;
    private HttpClient Client => Server.Client;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    // ---------------- helpers ----------------

    private sealed record Reply(HttpStatusCode Status, string Body, HttpResponseMessage Response)
    {
        public JsonNode Json => JsonNode.Parse(Body)!;
        public IEnumerable<string> Entries => (Json["entry"]?.AsArray() ?? []).Select(e => $"{e!["resource"]!["resourceType"]}/{e["resource"]!["id"]}");
    }

    private async Task<Reply> SendAsync(string? token, HttpMethod method, string url, string? json = null, string contentType = "application/fhir+json",
        string? breakGlass = null)
    {
        using var request = new HttpRequestMessage(method, "fhir/" + url);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (breakGlass is not null) request.Headers.Add("X-Break-Glass-Reason", breakGlass);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
        var response = await Client.SendAsync(request);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private Task<Reply> GetAsync(string? token, string url, string? breakGlass = null) => SendAsync(token, HttpMethod.Get, url, breakGlass: breakGlass);

    private Task<string> SystemAsync() => TestTokens.IssueAsync(Server, AccessRole.System, "system/*.cruds");

    private Task<string> CitizenAsync(string patient, string scope = "patient/*.rs") =>
        TestTokens.IssueAsync(Server, AccessRole.Citizen, scope, fhirUser: $"Patient/{patient}", patient: patient);

    private Task<string> PractitionerAsync(string practitioner, string organization, AccessRole role = AccessRole.Practitioner) =>
        TestTokens.IssueAsync(Server, role, "user/*.cruds", fhirUser: $"Practitioner/{practitioner}", organization: $"Organization/{organization}");

    private async Task PutAsync(string token, JsonObject resource)
    {
        var reply = await SendAsync(token, HttpMethod.Put, $"{resource["resourceType"]}/{resource["id"]}", resource.ToJsonString());
        Assert.True(reply.Status is HttpStatusCode.Created or HttpStatusCode.OK, reply.Body);
    }

    private static JsonObject Patient(string id, string family) => new()
    {
        ["resourceType"] = "Patient", ["id"] = id,
        ["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:test:pinfl", ["value"] = id }),
        ["name"] = new JsonArray(new JsonObject { ["family"] = family }),
    };

    private static JsonObject Observation(string id, string patient, string marker) => new()
    {
        ["resourceType"] = "Observation", ["id"] = id, ["status"] = "final",
        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "8867-4" }) },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
        ["valueString"] = marker,
    };

    private static JsonObject Encounter(string id, string patient, string organization) => new()
    {
        ["resourceType"] = "Encounter", ["id"] = id, ["status"] = "finished",
        ["class"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = "AMB" },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
        ["serviceProvider"] = new JsonObject { ["reference"] = $"Organization/{organization}" },
    };

    private static JsonObject Consent(string patient, string type, string actorOrganization, string? resourceClass = null)
    {
        var provision = new JsonObject
        {
            ["type"] = type,
            ["actor"] = new JsonArray(new JsonObject
            {
                ["role"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", ["code"] = "IRCP" }) },
                ["reference"] = new JsonObject { ["reference"] = $"Organization/{actorOrganization}" },
            }),
        };
        if (resourceClass is not null)
            provision["class"] = new JsonArray(new JsonObject { ["system"] = "http://hl7.org/fhir/resource-types", ["code"] = resourceClass });
        return new JsonObject
        {
            ["resourceType"] = "Consent", ["status"] = "active",
            ["scope"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/consentscope", ["code"] = "patient-privacy" }) },
            ["category"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "59284-0" }) }),
            ["patient"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
            ["policyRule"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = "OPTIN" }) },
            ["provision"] = provision,
        };
    }

    private static void AssertForbidden(Reply reply)
    {
        Assert.True(reply.Status == HttpStatusCode.Forbidden, $"expected 403, got {(int)reply.Status}: {reply.Body}");
        Assert.Equal("OperationOutcome", (string?)reply.Json["resourceType"]);
    }

    /// <summary>A patient with one Observation carrying a secret marker, made by a system.</summary>
    private async Task<(string Patient, string Observation, string Marker)> PatientWithObservationAsync(string system)
    {
        var (patient, observation, marker) = (Unique("p"), Unique("o"), Unique("SECRET"));
        await PutAsync(system, Patient(patient, marker));
        await PutAsync(system, Observation(observation, patient, marker));
        return (patient, observation, marker);
    }

    // ---------------- authentication ----------------

    [Fact]
    public async Task No_token_is_401_with_a_bearer_challenge_and_metadata_stays_public()
    {
        var reply = await GetAsync(null, "Patient");
        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("OperationOutcome", (string?)reply.Json["resourceType"]);
        var challenge = reply.Response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer realm=\"shifo\"", challenge);
        Assert.DoesNotContain("error=", challenge);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(null, "$bulk-status/" + Guid.NewGuid())).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(null, HttpMethod.Post, "", "{\"resourceType\":\"Bundle\",\"type\":\"batch\"}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(null, "metadata")).Status);
    }

    [Fact]
    public async Task Expired_early_foreign_unsigned_and_misaddressed_tokens_are_401_invalid_token()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var tokens = new Dictionary<string, string>
        {
            ["expired"] = await TestTokens.SignedAsync(Server, p => { p["exp"] = now - 3600; p["nbf"] = now - 7200; }),
            ["not yet valid"] = await TestTokens.SignedAsync(Server, p => { p["nbf"] = now + 3600; p["exp"] = now + 7200; }),
            ["other audience"] = await TestTokens.SignedAsync(Server, p => p["aud"] = "https://elsewhere.example/fhir"),
            ["other issuer"] = await TestTokens.SignedAsync(Server, p => p["iss"] = "https://elsewhere.example/auth"),
            ["foreign key"] = await TestTokens.ForeignKeyAsync(Server),
            ["alg none"] = await TestTokens.UnsignedAsync(Server, "none"),
            ["HS256"] = await TestTokens.UnsignedAsync(Server, "HS256"),
            ["garbage"] = "not.a.token",
        };
        // the same payload signed properly is accepted: the refusals above are about what was changed
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(await TestTokens.SignedAsync(Server, _ => { }), "Organization?_count=1")).Status);
        foreach (var (what, token) in tokens)
        {
            var reply = await GetAsync(token, "Organization?_count=1");
            Assert.True(reply.Status == HttpStatusCode.Unauthorized, $"{what}: {(int)reply.Status}");
            Assert.Contains("error=\"invalid_token\"", reply.Response.Headers.WwwAuthenticate.ToString());
            Assert.Equal("OperationOutcome", (string?)reply.Json["resourceType"]);
        }
    }

    [Fact]
    public async Task Breaking_the_glass_is_for_practitioners_with_a_reason()
    {
        var citizen = await CitizenAsync(Unique("p"));
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(citizen, "Patient", breakGlass: "I want to")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(await SystemAsync(), "Patient?_count=1", breakGlass: "batch job")).Status);
        var practitioner = await PractitionerAsync(Unique("pr"), Unique("org"));
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(practitioner, "Organization", breakGlass: new string('x', 501))).Status);
    }

    // ---------------- scopes ----------------

    [Fact]
    public async Task A_missing_scope_is_403_naming_the_scope()
    {
        var (patient, observation, _) = await PatientWithObservationAsync(await SystemAsync());
        var citizen = await CitizenAsync(patient, scope: "patient/Patient.rs");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(citizen, $"Patient/{patient}")).Status);
        var reply = await GetAsync(citizen, $"Observation/{observation}");
        AssertForbidden(reply);
        Assert.Contains("patient/Observation.r", reply.Body);
        AssertForbidden(await SendAsync(citizen, HttpMethod.Post, "Observation", Observation(Unique("o"), patient, "x").ToJsonString()));
    }

    // ---------------- a citizen's own record ----------------

    [Fact]
    public async Task A_citizen_reaches_nothing_of_another_citizen()
    {
        var system = await SystemAsync();
        var (a, obsA, markerA) = await PatientWithObservationAsync(system);
        var (b, obsB, markerB) = await PatientWithObservationAsync(system);
        var citizen = await CitizenAsync(a);

        // their own record, as a control: the same requests do return data
        var own = await GetAsync(citizen, "Observation?_include=Observation:subject");
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Contains($"Observation/{obsA}", own.Entries);
        Assert.Contains($"Patient/{a}", own.Entries);
        Assert.Contains(markerA, (await GetAsync(citizen, $"Patient/{a}/$everything")).Body);

        var refused = new[]
        {
            $"Observation/{obsB}", $"Observation/{obsB}/_history/1", $"Observation/{obsB}/_history", $"Patient/{b}",
            $"Patient/{b}/Observation", $"Patient/{b}/$everything", $"Patient?_has:Observation:subject:code=8867-4",
            $"Observation?subject.name={markerB}", $"Observation?subject:Patient.family={markerB}", "_history", $"?_type=Observation",
            "Observation/_history", "Patient/_history",
        };
        foreach (var url in refused)
        {
            var reply = await GetAsync(citizen, url);
            Assert.True(reply.Status == HttpStatusCode.Forbidden, $"{url}: {(int)reply.Status}");
            Assert.DoesNotContain(markerB, reply.Body);
        }

        var filtered = new[]
        {
            $"Observation?subject=Patient/{b}", "Observation?_include=Observation:subject", "Patient?_revinclude=Observation:subject",
            $"Patient?identifier=urn:test:pinfl|{b}", $"Observation?_id={obsB}",
        };
        foreach (var url in filtered)
        {
            var reply = await GetAsync(citizen, url);
            Assert.True(reply.Status == HttpStatusCode.OK, $"{url}: {(int)reply.Status} {reply.Body}");
            Assert.DoesNotContain(markerB, reply.Body);
            // the self link echoes the query; everything else must not know B
            var content = reply.Json.AsObject();
            content.Remove("link");
            Assert.DoesNotContain(obsB, content.ToJsonString());
            Assert.DoesNotContain(b, content.ToJsonString());
        }

        // a batch of reads goes through the same guard, entry by entry
        var batch = new JsonObject
        {
            ["resourceType"] = "Bundle", ["type"] = "batch",
            ["entry"] = new JsonArray(
                new JsonObject { ["request"] = new JsonObject { ["method"] = "GET", ["url"] = $"Observation/{obsB}" } },
                new JsonObject { ["request"] = new JsonObject { ["method"] = "GET", ["url"] = $"Observation?subject=Patient/{b}" } }),
        };
        var batchReply = await SendAsync(citizen, HttpMethod.Post, "", batch.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, batchReply.Status);
        Assert.DoesNotContain(markerB, batchReply.Body);
        Assert.StartsWith("403", (string?)batchReply.Json["entry"]![0]!["response"]!["status"]);

        // nor write into it
        AssertForbidden(await SendAsync(citizen, HttpMethod.Post, "Observation", Observation(Unique("o"), b, "x").ToJsonString()));
    }

    // ---------------- practitioners: care relationship, consent, break-the-glass ----------------

    [Fact]
    public async Task A_practitioner_needs_a_care_relationship_and_an_encounter_at_their_organization_makes_one()
    {
        var system = await SystemAsync();
        var (a, obsA, markerA) = await PatientWithObservationAsync(system);
        var (b, _, markerB) = await PatientWithObservationAsync(system);
        var org = Unique("org");
        var practitioner = await PractitionerAsync(Unique("pr"), org);

        var before = await GetAsync(practitioner, $"Observation/{obsA}");
        AssertForbidden(before);
        Assert.DoesNotContain(markerA, before.Body);
        AssertForbidden(await GetAsync(practitioner, $"Observation?patient=Patient/{a}"));

        // care begins with an Encounter at the practitioner's own organization
        var encounter = await SendAsync(practitioner, HttpMethod.Post, "Encounter", Encounter(Unique("e"), a, org).ToJsonString());
        Assert.True(encounter.Status == HttpStatusCode.Created, encounter.Body);
        // ... but not at someone else's
        AssertForbidden(await SendAsync(practitioner, HttpMethod.Post, "Encounter", Encounter(Unique("e"), b, Unique("org")).ToJsonString()));

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(practitioner, $"Observation/{obsA}")).Status);
        var search = await GetAsync(practitioner, $"Observation?patient=Patient/{a}");
        Assert.Equal(HttpStatusCode.OK, search.Status);
        Assert.Contains($"Observation/{obsA}", search.Entries);
        Assert.Contains($"Observation/{obsA}", (await GetAsync(practitioner, $"Patient/{a}/Observation")).Entries);

        // searches of patient data name the patient; B is still out of reach
        var unnamed = await GetAsync(practitioner, "Observation?code=8867-4");
        AssertForbidden(unnamed);
        Assert.Contains("Name the patient", unnamed.Body);
        AssertForbidden(await GetAsync(practitioner, $"Observation?patient=Patient/{b}"));
        // Patient searches name one patient; filtering a wider one after paging would tell through next links and
        // sort order whether patients out of reach match
        Assert.Equal([$"Patient/{a}"], (await GetAsync(practitioner, $"Patient?_id={a}")).Entries.ToList());
        foreach (var url in new[] { $"Patient?_id={b}", $"Patient?_id={a},{b}", $"Patient?family={markerB}", $"Patient?_id={a}&_id={b}" })
        {
            var reply = await GetAsync(practitioner, url);
            AssertForbidden(reply);
            Assert.DoesNotContain(markerB, reply.Body);
        }
        // refused, and the audit trail hears of it
        Assert.Contains(secure.Audit.Records, r => r.Record.Interaction == "search-type" && r.Record.Patient == b && r.Record.Denied is not null);
        // the registration desk finds the person in front of it by national id
        Assert.Equal([$"Patient/{b}"], (await GetAsync(practitioner, $"Patient?identifier=urn:test:pinfl|{b}")).Entries.ToList());
    }

    [Fact]
    public async Task A_consent_deny_of_the_practitioners_organization_refuses_even_with_a_care_relationship()
    {
        var system = await SystemAsync();
        var (patient, observation, _) = await PatientWithObservationAsync(system);
        var org = Unique("org");
        await PutAsync(system, Encounter(Unique("e"), patient, org));
        var practitioner = await PractitionerAsync(Unique("pr"), org);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(practitioner, $"Observation/{observation}")).Status);

        var consent = await SendAsync(system, HttpMethod.Post, "Consent", Consent(patient, "deny", org).ToJsonString());
        Assert.True(consent.Status == HttpStatusCode.Created, consent.Body);
        AssertForbidden(await GetAsync(practitioner, $"Observation/{observation}"));
        // another organization's practitioner with care is not concerned by that deny
        var otherOrg = Unique("org");
        await PutAsync(system, Encounter(Unique("e"), patient, otherOrg));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(await PractitionerAsync(Unique("pr"), otherOrg), $"Observation/{observation}")).Status);
    }

    [Fact]
    public async Task A_consent_permit_naming_a_third_party_lets_that_one_read_and_no_other()
    {
        var system = await SystemAsync();
        var (patient, observation, marker) = await PatientWithObservationAsync(system);
        var (named, other) = (Unique("tp"), Unique("tp"));
        var thirdParty = await TestTokens.IssueAsync(Server, AccessRole.ThirdParty, "system/Observation.rs", organization: $"Organization/{named}");
        var stranger = await TestTokens.IssueAsync(Server, AccessRole.ThirdParty, "system/Observation.rs", organization: $"Organization/{other}");
        AssertForbidden(await GetAsync(thirdParty, $"Observation/{observation}"));

        var consent = await SendAsync(system, HttpMethod.Post, "Consent", Consent(patient, "permit", named, "Observation").ToJsonString());
        Assert.True(consent.Status == HttpStatusCode.Created, consent.Body);

        var allowed = await GetAsync(thirdParty, $"Observation/{observation}");
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.Contains(marker, allowed.Body);
        Assert.Contains($"Observation/{observation}", (await GetAsync(thirdParty, $"Observation?patient=Patient/{patient}")).Entries);
        var refused = await GetAsync(stranger, $"Observation/{observation}");
        AssertForbidden(refused);
        Assert.DoesNotContain(marker, refused.Body);
    }

    [Fact]
    public async Task Breaking_the_glass_allows_a_refused_read_and_the_audit_trail_hears_of_refusal_and_emergency()
    {
        var system = await SystemAsync();
        var (patient, observation, marker) = await PatientWithObservationAsync(system);
        var practitioner = await PractitionerAsync(Unique("pr"), Unique("org"));

        AssertForbidden(await GetAsync(practitioner, $"Observation/{observation}"));
        Assert.Contains(secure.Audit.Records, r => r.Record.Patient == patient && r.Record.Denied is not null && !r.Record.Emergency);

        var glass = await GetAsync(practitioner, $"Observation/{observation}", breakGlass: "Unconscious in the emergency room");
        Assert.Equal(HttpStatusCode.OK, glass.Status);
        Assert.Contains(marker, glass.Body);
        var emergency = Assert.Single(secure.Audit.Records, r => r.Record.Patient == patient && r.Record.Emergency);
        Assert.Equal("read", emergency.Record.Interaction);
        Assert.Equal($"Observation/{observation}", emergency.Record.What);
        Assert.Equal("Unconscious in the emergency room", emergency.Access.BreakGlassReason);
        Assert.Null(emergency.Record.Denied);

        // the glass never widens the token's scopes
        var narrow = await TestTokens.IssueAsync(Server, AccessRole.Practitioner, "user/Patient.rs", fhirUser: $"Practitioner/{Unique("pr")}", organization: $"Organization/{Unique("org")}");
        AssertForbidden(await GetAsync(narrow, $"Observation/{observation}", breakGlass: "emergency"));
    }

    [Fact]
    public async Task Bulk_export_is_for_systems_with_read_and_search_scopes_on_the_exported_types()
    {
        async Task<Reply> KickOff(string token, string url)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "fhir/" + url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("Prefer", "respond-async");
            var response = await Client.SendAsync(request);
            return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(), response);
        }
        var practitioner = await PractitionerAsync(Unique("pr"), Unique("org"));
        AssertForbidden(await KickOff(practitioner, "$export"));
        AssertForbidden(await GetAsync(practitioner, $"$bulk-status/{Guid.NewGuid()}"));
        var observations = await TestTokens.IssueAsync(Server, AccessRole.System, "system/Observation.rs");
        var everything = await KickOff(observations, "$export");
        AssertForbidden(everything);
        Assert.Contains("system/*.rs", everything.Body);
        var accepted = await KickOff(observations, "$export?_type=Observation");
        Assert.True(accepted.Status == HttpStatusCode.Accepted, accepted.Body);
        AssertForbidden(await KickOff(observations, "$export?_type=Observation,Patient"));
    }

    // ---------------- writes ----------------

    [Fact]
    public async Task A_transaction_with_one_forbidden_entry_fails_whole_and_stores_nothing()
    {
        var system = await SystemAsync();
        var (a, _, _) = await PatientWithObservationAsync(system);
        var (b, _, _) = await PatientWithObservationAsync(system);
        var org = Unique("org");
        await PutAsync(system, Encounter(Unique("e"), a, org));
        var practitioner = await PractitionerAsync(Unique("pr"), org);
        var (tagA, tagB) = (Unique("t"), Unique("t"));

        JsonObject Entry(string patient, string tag)
        {
            var observation = Observation(Unique("o"), patient, "x");
            observation.Remove("id");
            observation["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:test:tx", ["value"] = tag });
            return new JsonObject { ["resource"] = observation, ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Observation" } };
        }
        var transaction = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = new JsonArray(Entry(a, tagA), Entry(b, tagB)) };
        AssertForbidden(await SendAsync(practitioner, HttpMethod.Post, "", transaction.ToJsonString()));
        foreach (var tag in new[] { tagA, tagB })
            Assert.Empty((await GetAsync(system, $"Observation?identifier=urn:test:tx|{tag}")).Entries);

        // the allowed half alone goes through, and its AuditEvent is stored in the same transaction
        var alone = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = new JsonArray(Entry(a, tagA)) };
        var ok = await SendAsync(practitioner, HttpMethod.Post, "", alone.ToJsonString());
        Assert.True(ok.Status == HttpStatusCode.OK, ok.Body);
        Assert.Single((await GetAsync(system, $"Observation?identifier=urn:test:tx|{tagA}")).Entries);
        Assert.NotEmpty((await GetAsync(system, $"AuditEvent?entity=Patient/{a}")).Entries);
    }

    [Fact]
    public async Task AuditEvents_are_never_changed_and_only_systems_record_or_search_them()
    {
        var system = await SystemAsync();
        var patient = Unique("p");
        await PutAsync(system, Patient(patient, "x"));
        var auditEvent = new JsonObject
        {
            ["resourceType"] = "AuditEvent",
            ["type"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/audit-event-type", ["code"] = "rest" },
            ["recorded"] = "2024-01-01T10:00:00Z",
            ["agent"] = new JsonArray(new JsonObject { ["requestor"] = true, ["altId"] = "x" }),
            ["source"] = new JsonObject { ["observer"] = new JsonObject { ["display"] = "test" } },
            ["entity"] = new JsonArray(new JsonObject { ["what"] = new JsonObject { ["reference"] = $"Patient/{patient}" } }),
        };
        var created = await SendAsync(system, HttpMethod.Post, "AuditEvent", auditEvent.ToJsonString());
        Assert.True(created.Status == HttpStatusCode.Created, created.Body);
        var id = (string)created.Json["id"]!;
        auditEvent["id"] = id;

        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await SendAsync(system, HttpMethod.Put, $"AuditEvent/{id}", auditEvent.ToJsonString())).Status);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await SendAsync(system, HttpMethod.Delete, $"AuditEvent/{id}")).Status);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await SendAsync(system, HttpMethod.Patch, $"AuditEvent/{id}",
            "[{\"op\":\"replace\",\"path\":\"/recorded\",\"value\":\"2024-01-02T10:00:00Z\"}]", "application/json-patch+json")).Status);

        var practitioner = await PractitionerAsync(Unique("pr"), Unique("org"));
        AssertForbidden(await SendAsync(practitioner, HttpMethod.Post, "AuditEvent", auditEvent.ToJsonString()));
        AssertForbidden(await GetAsync(practitioner, $"AuditEvent/{id}"));
        AssertForbidden(await GetAsync(practitioner, $"AuditEvent?entity=Patient/{patient}"));
        // the citizen it is about reads it; another does not
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(await CitizenAsync(patient), $"AuditEvent/{id}")).Status);
        AssertForbidden(await GetAsync(await CitizenAsync(Unique("p")), $"AuditEvent/{id}"));
    }
}

[Collection(SqliteEnforcementCollection.Name)]
public sealed class SqliteEnforcementTests(SecureSqliteServerFixture server) : EnforcementTests(server);

[Collection(PostgresEnforcementCollection.Name)]
public sealed class PostgresEnforcementTests(SecurePostgresServerFixture server) : EnforcementTests(server);
