using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Shifo.Fhir.Model;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Enforcement;
using Shifo.Server.Security.Scopes;
using Shifo.Server.Tests.Fixtures;
using Shifo.Storage;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Server.Tests.Security;

/// <summary>
/// Access decisions are remembered per (caller, patient) across versions, and every write that can change one takes
/// effect at once on this node: each test first makes the server remember an answer (a read), then writes, then
/// reads again. And a write about one patient leaves the answers about others in place.
/// </summary>
public abstract class EnforcementDecisionCacheTests(ISecureServer secure)
{
    private ServerFixture Server => secure.Server;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(string token, HttpMethod method, string url, JsonObject? resource = null)
    {
        using var request = new HttpRequestMessage(method, "fhir/" + url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (resource is not null) request.Content = new StringContent(resource.ToJsonString(), Encoding.UTF8, "application/fhir+json");
        var response = await Server.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task PutAsync(string token, JsonObject resource)
    {
        var (status, body) = await SendAsync(token, HttpMethod.Put, $"{resource["resourceType"]}/{resource["id"]}", resource);
        Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, body);
    }

    private async Task DeleteAsync(string token, string url)
    {
        var (status, body) = await SendAsync(token, HttpMethod.Delete, url);
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.NoContent, body);
    }

    private async Task<HttpStatusCode> ReadAsync(string token, string url) => (await SendAsync(token, HttpMethod.Get, url)).Status;

    private Task<string> SystemAsync() => TestTokens.IssueAsync(Server, AccessRole.System, "system/*.cruds");

    private Task<string> PractitionerAsync(string organization) =>
        TestTokens.IssueAsync(Server, AccessRole.Practitioner, "user/*.cruds", fhirUser: $"Practitioner/{Unique("pr")}", organization: $"Organization/{organization}");

    private static JsonObject Ref(string reference) => new() { ["reference"] = reference };

    private static JsonObject Patient(string id) => new() { ["resourceType"] = "Patient", ["id"] = id, ["name"] = new JsonArray(new JsonObject { ["family"] = "Cache" }) };

    private static JsonObject Observation(string id, string patient) => new()
    {
        ["resourceType"] = "Observation", ["id"] = id, ["status"] = "final",
        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "8867-4" }) },
        ["subject"] = Ref($"Patient/{patient}"),
    };

    /// <summary>The three resources that make a care relationship of an organization with a patient.</summary>
    private static JsonObject CareResource(string type, string id, string patient, string organization) => type switch
    {
        "Encounter" => new JsonObject
        {
            ["resourceType"] = "Encounter", ["id"] = id, ["status"] = "finished",
            ["class"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = "AMB" },
            ["subject"] = Ref($"Patient/{patient}"), ["serviceProvider"] = Ref($"Organization/{organization}"),
        },
        "EpisodeOfCare" => new JsonObject
        {
            ["resourceType"] = "EpisodeOfCare", ["id"] = id, ["status"] = "active",
            ["patient"] = Ref($"Patient/{patient}"), ["managingOrganization"] = Ref($"Organization/{organization}"),
        },
        "CareTeam" => new JsonObject
        {
            ["resourceType"] = "CareTeam", ["id"] = id, ["status"] = "active",
            ["subject"] = Ref($"Patient/{patient}"), ["participant"] = new JsonArray(new JsonObject { ["member"] = Ref($"Organization/{organization}") }),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static JsonObject Consent(string id, string patient, string status, string deniedOrganization) => new()
    {
        ["resourceType"] = "Consent", ["id"] = id, ["status"] = status,
        ["scope"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/consentscope", ["code"] = "patient-privacy" }) },
        ["category"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "59284-0" }) }),
        ["patient"] = Ref($"Patient/{patient}"),
        ["policyRule"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = "OPTIN" }) },
        ["provision"] = new JsonObject { ["type"] = "deny", ["actor"] = new JsonArray(new JsonObject
        {
            ["role"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", ["code"] = "IRCP" }) },
            ["reference"] = Ref($"Organization/{deniedOrganization}"),
        }) },
    };

    private async Task<(string Patient, string Observation)> PatientWithObservationAsync(string system)
    {
        var (patient, observation) = (Unique("p"), Unique("o"));
        await PutAsync(system, Patient(patient));
        await PutAsync(system, Observation(observation, patient));
        return (patient, observation);
    }

    [Theory]
    [InlineData("Encounter")]
    [InlineData("EpisodeOfCare")]
    [InlineData("CareTeam")]
    public async Task A_new_care_resource_grants_at_once_and_its_deletion_withdraws_at_once(string type)
    {
        var system = await SystemAsync();
        var (patient, observation) = await PatientWithObservationAsync(system);
        var organization = Unique("org");
        var practitioner = await PractitionerAsync(organization);
        Assert.Equal(HttpStatusCode.Forbidden, await ReadAsync(practitioner, $"Observation/{observation}"));

        var id = Unique("c");
        await PutAsync(system, CareResource(type, id, patient, organization));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(practitioner, $"Observation/{observation}"));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(practitioner, $"Patient/{patient}"));

        await DeleteAsync(system, $"{type}/{id}");
        Assert.Equal(HttpStatusCode.Forbidden, await ReadAsync(practitioner, $"Observation/{observation}"));
    }

    [Fact]
    public async Task Moving_an_encounter_to_another_patient_withdraws_from_the_first_at_once()
    {
        var system = await SystemAsync();
        var (first, firstObservation) = await PatientWithObservationAsync(system);
        var (second, secondObservation) = await PatientWithObservationAsync(system);
        var organization = Unique("org");
        var practitioner = await PractitionerAsync(organization);
        var encounter = Unique("e");
        await PutAsync(system, CareResource("Encounter", encounter, first, organization));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(practitioner, $"Observation/{firstObservation}"));
        Assert.Equal(HttpStatusCode.Forbidden, await ReadAsync(practitioner, $"Observation/{secondObservation}"));

        // an update names both the old subject and the new one: both patients' answers go
        await PutAsync(system, CareResource("Encounter", encounter, second, organization));
        Assert.Equal(HttpStatusCode.Forbidden, await ReadAsync(practitioner, $"Observation/{firstObservation}"));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(practitioner, $"Observation/{secondObservation}"));
    }

    [Theory]
    [InlineData("generalPractitioner")]
    [InlineData("managingOrganization")]
    public async Task Attaching_a_patient_to_the_organization_grants_at_once_and_detaching_withdraws_at_once(string element)
    {
        var system = await SystemAsync();
        var (patient, observation) = await PatientWithObservationAsync(system);
        var organization = Unique("org");
        var practitioner = await PractitionerAsync(organization);
        Assert.Equal(HttpStatusCode.Forbidden, await ReadAsync(practitioner, $"Observation/{observation}"));

        var attached = Patient(patient);
        attached[element] = element == "generalPractitioner" ? new JsonArray(Ref($"Organization/{organization}")) : Ref($"Organization/{organization}");
        await PutAsync(system, attached);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(practitioner, $"Observation/{observation}"));

        await PutAsync(system, Patient(patient));
        Assert.Equal(HttpStatusCode.Forbidden, await ReadAsync(practitioner, $"Observation/{observation}"));
    }

    [Fact]
    public async Task A_consent_deny_refuses_at_once_and_ending_or_deleting_it_allows_at_once()
    {
        var system = await SystemAsync();
        var (patient, observation) = await PatientWithObservationAsync(system);
        var organization = Unique("org");
        await PutAsync(system, CareResource("Encounter", Unique("e"), patient, organization));
        var practitioner = await PractitionerAsync(organization);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(practitioner, $"Observation/{observation}"));

        var consent = Unique("consent");
        await PutAsync(system, Consent(consent, patient, "active", organization));
        Assert.Equal(HttpStatusCode.Forbidden, await ReadAsync(practitioner, $"Observation/{observation}"));
        await PutAsync(system, Consent(consent, patient, "inactive", organization));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(practitioner, $"Observation/{observation}"));
        await PutAsync(system, Consent(consent, patient, "active", organization));
        Assert.Equal(HttpStatusCode.Forbidden, await ReadAsync(practitioner, $"Observation/{observation}"));
        await DeleteAsync(system, $"Consent/{consent}");
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(practitioner, $"Observation/{observation}"));
    }

    [Fact]
    public async Task A_care_resource_in_a_transaction_takes_effect_when_it_commits()
    {
        var system = await SystemAsync();
        var (patient, observation) = await PatientWithObservationAsync(system);
        var organization = Unique("org");
        var practitioner = await PractitionerAsync(organization);
        Assert.Equal(HttpStatusCode.Forbidden, await ReadAsync(practitioner, $"Observation/{observation}"));

        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle", ["type"] = "transaction",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["resource"] = CareResource("CareTeam", Unique("ct"), patient, organization),
                ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "CareTeam" },
            }),
        };
        var (status, body) = await SendAsync(system, HttpMethod.Post, "", bundle);
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(practitioner, $"Observation/{observation}"));
    }

    [Fact]
    public async Task A_bulk_export_leaves_out_the_patients_whose_consent_refuses_the_exporting_organization()
    {
        var system = await SystemAsync();
        var (refused, refusedObservation) = await PatientWithObservationAsync(system);
        var (open, openObservation) = await PatientWithObservationAsync(system);
        var organization = Unique("org");
        await PutAsync(system, Consent(Unique("consent"), refused, "active", organization));

        async Task<HashSet<string>> ExportAsync(string? exporterOrganization)
        {
            var exporter = await TestTokens.IssueAsync(Server, AccessRole.System, "system/*.rs",
                organization: exporterOrganization is null ? null : $"Organization/{exporterOrganization}");
            using var client = new HttpClient { BaseAddress = Server.Client.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", exporter);
            var status = await Bulk.BulkClient.StartAsync(client, HttpMethod.Get, "fhir/$export?_type=Patient,Observation");
            var manifest = await Bulk.BulkClient.WaitAsync(client, status);
            var found = new HashSet<string>(StringComparer.Ordinal);
            foreach (var output in manifest["output"]!.AsArray())
                foreach (var line in await Bulk.BulkClient.LinesAsync(client, (string)output!["url"]!))
                    found.Add($"{line["resourceType"]}/{line["id"]}");
            return found;
        }

        // the denied organization's export holds nothing of that patient, and everything of the other
        var denied = await ExportAsync(organization);
        Assert.DoesNotContain($"Patient/{refused}", denied);
        Assert.DoesNotContain($"Observation/{refusedObservation}", denied);
        Assert.Contains($"Patient/{open}", denied);
        Assert.Contains($"Observation/{openObservation}", denied);
        // another organization's export is not concerned by that deny
        var other = await ExportAsync(Unique("org"));
        Assert.Contains($"Patient/{refused}", other);
        Assert.Contains($"Observation/{refusedObservation}", other);
    }

    [Fact]
    public async Task A_write_about_one_patient_keeps_the_remembered_answers_about_the_others()
    {
        var system = await SystemAsync();
        var organization = Unique("org");
        var (a, _) = await PatientWithObservationAsync(system);
        var (b, _) = await PatientWithObservationAsync(system);
        await PutAsync(system, CareResource("Encounter", Unique("e"), a, organization));
        await PutAsync(system, CareResource("Encounter", Unique("e"), b, organization));

        var counting = new SearchCountingStore(Server.Services.GetRequiredService<TrustedStore>().Store);
        var trusted = new TrustedStore(counting);
        var patients = new PatientAccess(trusted, new CareRelationships(trusted), TimeProvider.System);
        var caller = new AccessContext
        {
            Subject = "doctor", ClientId = "test-client", Role = AccessRole.Practitioner, Scopes = ScopeSet.Parse("user/*.rs"),
            FhirUser = $"Practitioner/{Unique("pr")}", Organization = $"Organization/{organization}", ExpiresAt = DateTimeOffset.MaxValue,
        };
        async Task<int> SearchesToDecide(string patient)
        {
            var before = counting.Searches;
            Assert.True((await patients.DecideAsync(caller, patient, "Observation", startsCare: false, CancellationToken.None)).Allowed);
            return counting.Searches - before;
        }

        Assert.True(await SearchesToDecide(a) > 0);
        Assert.True(await SearchesToDecide(b) > 0);
        Assert.Equal(0, await SearchesToDecide(a));
        Assert.Equal(0, await SearchesToDecide(b));

        patients.Invalidate("Encounter", [a]);
        Assert.True(await SearchesToDecide(a) > 0);
        Assert.Equal(0, await SearchesToDecide(b));
        // types that decide nothing forget nothing
        patients.Invalidate("Observation", [a, b]);
        Assert.Equal(0, await SearchesToDecide(a));
        patients.InvalidateAll();
        Assert.True(await SearchesToDecide(b) > 0);
    }
}

/// <summary>The real store, counting its searches (the look-ups behind access decisions).</summary>
public sealed class SearchCountingStore(IResourceStore inner) : IResourceStore
{
    private int _searches;

    public int Searches => Volatile.Read(ref _searches);

    public string Kind => inner.Kind;
    public string Location => inner.Location;
    public Task InitializeAsync(CancellationToken ct = default) => inner.InitializeAsync(ct);
    public Task<StoredResource> CreateAsync(ElementNode resource, CancellationToken ct = default) => inner.CreateAsync(resource, ct);
    public Task<IReadOnlyList<StoredResource>> CreateBatchAsync(IReadOnlyList<ElementNode> resources, CancellationToken ct = default) => inner.CreateBatchAsync(resources, ct);
    public Task<UpdateResult> UpdateAsync(ElementNode resource, long? expectedVersion = null, CancellationToken ct = default) => inner.UpdateAsync(resource, expectedVersion, ct);
    public Task<DeleteResult> DeleteAsync(string resourceType, string id, long? expectedVersion = null, CancellationToken ct = default) => inner.DeleteAsync(resourceType, id, expectedVersion, ct);
    public Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken ct = default) => inner.ReadAsync(resourceType, id, ct);
    public Task<StoredResource?> ReadVersionAsync(string resourceType, string id, long versionId, CancellationToken ct = default) => inner.ReadVersionAsync(resourceType, id, versionId, ct);
    public Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct = default) => inner.HistoryAsync(query, ct);

    public Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _searches);
        return inner.SearchAsync(query, ct);
    }

    public Task<IWriteScope> BeginWriteScopeAsync(CancellationToken ct = default) => inner.BeginWriteScopeAsync(ct);
    public Task<long> ReindexAsync(string? resourceType = null, CancellationToken ct = default) => inner.ReindexAsync(resourceType, ct);
    // the fixture owns the real store
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

[Collection(SqliteEnforcementCollection.Name)]
public sealed class SqliteEnforcementDecisionCacheTests(SecureSqliteServerFixture server) : EnforcementDecisionCacheTests(server);

[Collection(PostgresEnforcementCollection.Name)]
public sealed class PostgresEnforcementDecisionCacheTests(SecurePostgresServerFixture server) : EnforcementDecisionCacheTests(server);
