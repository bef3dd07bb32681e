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
            // the named patient is decided before the search runs: refused alike, whatever the other criteria
            Assert.Equal(HttpStatusCode.Forbidden, hit.Status);
            Assert.Equal(HttpStatusCode.Forbidden, miss.Status);
            Assert.DoesNotContain(family, hit.Body);
            Assert.True(miss.HasTotal == hit.HasTotal && (string?)miss.Json["total"]?.ToString() == (string?)hit.Json["total"]?.ToString(),
                $"'{extra}': a match refused answers {hit.Body} where no match answers {miss.Body}");
        }
    }

    [Fact]
    public async Task A_type_history_of_patient_data_is_for_systems_only()
    {
        var system = await SystemAsync();
        var (own, other) = (Unique("p"), Unique("p"));
        await PutAsync(system, Patient(own, Unique("F")));
        await PutAsync(system, Patient(other, Unique("F")));
        await PutAsync(system, Observation(Unique("o"), new JsonObject { ["reference"] = $"Patient/{other}" }, "SECRET"));
        var citizen = await TestTokens.IssueAsync(Server, AccessRole.Citizen, "patient/*.rs", fhirUser: $"Patient/{own}", patient: own);
        foreach (var count in new[] { "0", "1", "50" })
        {
            // a total, or next links after filtering, would tell of somebody else's versions: refused outright
            var reply = await GetAsync(citizen, $"Observation/_history?_count={count}");
            Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
            Assert.DoesNotContain("SECRET", reply.Body);
            Assert.Null(reply.Json["total"]);
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

    [Fact]
    public async Task Starting_care_for_any_patient_by_an_encounter_is_allowed_and_audited_as_a_write_of_that_patient()
    {
        // by design: the registration desk finds the person by national id, and an Encounter of the own organization starts care
        var system = await SystemAsync();
        var (patient, org) = (Unique("p"), Unique("org"));
        await PutAsync(system, Patient(patient, Unique("F")));
        var practitioner = await PractitionerAsync(org);
        var encounter = Unique("e");
        var created = await SendAsync(practitioner, HttpMethod.Put, $"Encounter/{encounter}", Encounter(encounter, patient, org).ToJsonString());
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Contains(secure.Audit.Records, r => r.Record.Patient == patient && r.Record.What == $"Encounter/{encounter}"
                                                  && r.Record.Action == Shifo.Server.Security.Audit.AuditAction.Create && r.Record.Denied is null);
        // stored with the write: a system finds the AuditEvent about the patient
        var events = await GetAsync(system, $"AuditEvent?entity=Patient/{patient}");
        Assert.True(events.EntryCount >= 1, events.Body);
    }

    // ---------------- another client's bulk job ----------------

    [Fact]
    public async Task A_bulk_export_is_polled_downloaded_and_cancelled_only_by_the_client_that_started_it()
    {
        var system = await SystemAsync();
        var patient = Unique("p");
        await PutAsync(system, Patient(patient, Unique("SECRET")));
        using var kickOff = new HttpRequestMessage(HttpMethod.Get, "fhir/$export?_type=Patient");
        kickOff.Headers.Authorization = new AuthenticationHeaderValue("Bearer", system);
        kickOff.Headers.Add("Prefer", "respond-async");
        var accepted = await Server.Client.SendAsync(kickOff);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var status = accepted.Content.Headers.ContentLocation?.ToString() ?? accepted.Headers.GetValues("Content-Location").Single();
        var job = status[(status.LastIndexOf('/') + 1)..];

        Reply done = default!;
        for (var i = 0; i < 100; i++)
        {
            done = await GetAsync(system, $"$bulk-status/{job}");
            if (done.Status != HttpStatusCode.Accepted) break;
            await Task.Delay(100);
        }
        Assert.True(done.Status == HttpStatusCode.OK, done.Body);
        var file = (string)done.Json["output"]![0]!["url"]!;
        var name = file[(file.LastIndexOf('/') + 1)..];

        // another system client, with every scope there is
        var other = await TestTokens.SignedAsync(Server, claims => claims["client_id"] = Unique("other-client"));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(other, $"$bulk-status/{job}")).Status);
        var stolen = await GetAsync(other, $"$bulk-file/{job}/{name}");
        Assert.Equal(HttpStatusCode.NotFound, stolen.Status);
        Assert.DoesNotContain(patient, stolen.Body);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(other, HttpMethod.Delete, $"$bulk-status/{job}")).Status);
        // the owner still has it all
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(system, $"$bulk-status/{job}")).Status);
        Assert.Contains(patient, (await GetAsync(system, $"$bulk-file/{job}/{name}")).Body);
    }

    // ---------------- probes that must stay refused ----------------

    [Fact]
    public async Task Side_doors_to_another_patients_resource_are_refused_without_telling_its_content()
    {
        var system = await SystemAsync();
        var (patient, marker) = (Unique("p"), Unique("SECRET"));
        await PutAsync(system, Patient(patient, marker));
        var observation = Unique("o");
        await PutAsync(system, Observation(observation, new JsonObject { ["reference"] = $"Patient/{patient}" }, marker));
        var stranger = await PractitionerAsync(Unique("org"));

        // $validate of a stored resource, $everything with _type, history with _since
        foreach (var url in new[] { $"Patient/{patient}/$everything?_type=Observation", $"Observation/{observation}/_history?_since=2000-01-01",
                     $"Observation/{observation}/_history/1", $"Patient/{patient}/Observation?_sort=-date" })
        {
            var reply = await GetAsync(stranger, url);
            Assert.True(reply.Status is HttpStatusCode.Forbidden, $"{url}: {(int)reply.Status} {reply.Body}");
            Assert.DoesNotContain(marker, reply.Body);
        }
        var validate = await SendAsync(stranger, HttpMethod.Post, $"Observation/{observation}/$validate",
            Observation(observation, new JsonObject { ["reference"] = $"Patient/{patient}" }, "x").ToJsonString());
        Assert.DoesNotContain(marker, validate.Body);

        // a JSON Patch "test" would tell the content if it ran before the decision
        foreach (var value in new[] { marker, "wrong" })
        {
            using var patch = new HttpRequestMessage(HttpMethod.Patch, $"fhir/Observation/{observation}");
            patch.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stranger);
            patch.Content = new StringContent($$"""[{"op":"test","path":"/valueString","value":"{{value}}"},{"op":"replace","path":"/status","value":"amended"}]""",
                Encoding.UTF8, "application/json-patch+json");
            var reply = await Server.Client.SendAsync(patch);
            Assert.Equal(HttpStatusCode.Forbidden, reply.StatusCode);
        }

        // If-None-Match must not answer 304 before the decision; If-Match must not answer 412
        using (var conditional = new HttpRequestMessage(HttpMethod.Get, $"fhir/Observation/{observation}"))
        {
            conditional.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stranger);
            conditional.Headers.TryAddWithoutValidation("If-None-Match", "W/\"1\"");
            Assert.Equal(HttpStatusCode.Forbidden, (await Server.Client.SendAsync(conditional)).StatusCode);
        }
        using (var update = new HttpRequestMessage(HttpMethod.Put, $"fhir/Observation/{observation}"))
        {
            update.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stranger);
            update.Headers.TryAddWithoutValidation("If-Match", "W/\"7\"");
            update.Content = new StringContent(Observation(observation, new JsonObject { ["reference"] = $"Patient/{patient}" }, "x").ToJsonString(), Encoding.UTF8, "application/fhir+json");
            Assert.Equal(HttpStatusCode.Forbidden, (await Server.Client.SendAsync(update)).StatusCode);
        }

        // transaction and batch GET entries
        foreach (var kind in new[] { "transaction", "batch" })
        {
            var bundle = new JsonObject
            {
                ["resourceType"] = "Bundle", ["type"] = kind,
                ["entry"] = new JsonArray(new JsonObject { ["request"] = new JsonObject { ["method"] = "GET", ["url"] = $"Observation/{observation}" } },
                    new JsonObject { ["request"] = new JsonObject { ["method"] = "GET", ["url"] = $"Observation?_id={observation}" } }),
            };
            var reply = await SendAsync(stranger, HttpMethod.Post, "", bundle.ToJsonString());
            Assert.DoesNotContain(marker, reply.Body);
        }

        // conditional delete, conditional update and If-None-Exist criteria that match only the refused resource
        Assert.DoesNotContain(marker, (await SendAsync(stranger, HttpMethod.Delete, $"Patient?_id={patient}&family={marker}")).Body);
        var stillThere = await GetAsync(system, $"Patient/{patient}");
        Assert.Equal(HttpStatusCode.OK, stillThere.Status);
        var conditionalUpdate = await SendAsync(stranger, HttpMethod.Put, $"Patient?_id={patient}", Patient(patient, "HIJACKED").ToJsonString());
        Assert.Equal(HttpStatusCode.Forbidden, conditionalUpdate.Status);
        Assert.Contains(marker, (await GetAsync(system, $"Patient/{patient}")).Body);
    }
}

[Collection(SqliteEnforcementCollection.Name)]
public sealed class SqliteRedTeamTests(SecureSqliteServerFixture server) : RedTeamTests(server);

[Collection(PostgresEnforcementCollection.Name)]
public sealed class PostgresRedTeamTests(SecurePostgresServerFixture server) : RedTeamTests(server);
