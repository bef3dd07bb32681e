using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Shifo.Server.Tests.Conformance;
using Shifo.Server.Tests.Fixtures;
using static Shifo.Server.Tests.Bundles.BundleJson;

namespace Shifo.Server.Tests.Bundles;

/// <summary>Patient/$everything paging and filters; concurrent If-Match writers; readers never see half a transaction.</summary>
public abstract class EverythingAndConcurrencyTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private async Task<string> CreateAsync(JsonObject resource)
    {
        var (response, body) = await Client.SendAsync(HttpMethod.Post, $"fhir/{resource["resourceType"]}", resource.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)body!["id"]!;
    }

    /// <summary>Follows next links from <paramref name="url"/>; returns Type/id of every entry and the number of pages.</summary>
    private async Task<(List<string> Resources, int Pages)> AllPagesAsync(string url)
    {
        var resources = new List<string>();
        var pages = 0;
        for (string? next = url; next is not null; pages++)
        {
            var (response, body) = await Client.SendAsync(HttpMethod.Get, next);
            Assert.True(response.StatusCode == HttpStatusCode.OK, body?.ToJsonString());
            Assert.Equal("searchset", (string?)body!["type"]);
            resources.AddRange(body["entry"]!.AsArray().Select(e => $"{e!["resource"]!["resourceType"]}/{e["resource"]!["id"]}"));
            next = body["link"]!.AsArray().FirstOrDefault(l => (string?)l!["relation"] == "next")?["url"]?.ToString();
            Assert.True(pages < 50, "paging does not end");
        }
        return (resources, pages);
    }

    [Fact]
    public async Task Everything_returns_the_patient_compartment_in_pages_by_type_and_since()
    {
        var patientId = await CreateAsync(Patient(Unique("Every")));
        var otherId = await CreateAsync(Patient(Unique("Other")));
        var observations = new List<string>();
        for (var i = 0; i < 3; i++) observations.Add("Observation/" + await CreateAsync(Observation($"Patient/{patientId}")));
        await CreateAsync(Observation($"Patient/{otherId}"));
        var encounter = "Encounter/" + await CreateAsync(new JsonObject
        {
            ["resourceType"] = "Encounter", ["status"] = "finished",
            ["class"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = "AMB" },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
        });
        await Task.Delay(20);
        var since = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        var late = "Condition/" + await CreateAsync(new JsonObject
        {
            ["resourceType"] = "Condition",
            ["code"] = new JsonObject { ["text"] = "headache" },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
        });

        var (all, pages) = await AllPagesAsync($"fhir/Patient/{patientId}/$everything?_count=2");
        Assert.Equal(3, pages);
        Assert.Equal($"Patient/{patientId}", all[0]);
        Assert.Equal(new[] { $"Patient/{patientId}", encounter, late }.Concat(observations).Order(), all.Order());

        var (onlyObservations, _) = await AllPagesAsync($"fhir/Patient/{patientId}/$everything?_type=Observation");
        Assert.Equal(observations.Order(), onlyObservations.Order());

        var sinceText = Uri.EscapeDataString(since.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
        var (changed, _) = await AllPagesAsync($"fhir/Patient/{patientId}/$everything?_since={sinceText}");
        Assert.Equal([late], changed);

        var (missing, missingBody) = await Client.SendAsync(HttpMethod.Get, $"fhir/Patient/{Unique("nobody")}/$everything");
        FhirHttp.AssertOutcome(missing, missingBody, HttpStatusCode.NotFound);
        var (badType, badTypeBody) = await Client.SendAsync(HttpMethod.Get, $"fhir/Patient/{patientId}/$everything?_type=Nonsense");
        FhirHttp.AssertOutcome(badType, badTypeBody, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Concurrent_updates_with_the_same_IfMatch_let_exactly_one_win()
    {
        for (var round = 0; round < 3; round++)
        {
            var family = Unique("Race");
            var id = await CreateAsync(Patient(family));
            var attempts = Enumerable.Range(0, 8).Select(async i =>
            {
                var body = Set(Patient(family, i % 2 == 0 ? "male" : "other"), "id", id).ToJsonString();
                var (response, _) = await Client.SendAsync(HttpMethod.Put, $"fhir/Patient/{id}", body, r => r.Headers.TryAddWithoutValidation("If-Match", "W/\"1\""));
                return response.StatusCode;
            });
            var statuses = await Task.WhenAll(attempts);
            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(7, statuses.Count(s => s == HttpStatusCode.PreconditionFailed));
            Assert.Equal(2, await server.QueryScalarAsync("SELECT COUNT(*) FROM resource_version WHERE res_type = 'Patient' AND res_id = @i", ("@i", id)));

            // the same through transaction Bundles and PATCH
            var patches = Enumerable.Range(0, 6).Select(async i =>
            {
                var bundle = Bundle("transaction", Entry("PUT", $"Patient/{id}", Set(Patient(family), "id", id), ifMatch: "W/\"2\""));
                var response = i % 2 == 0
                    ? (await Client.PostBundleAsync(bundle)).Response
                    : await Client.SendAsync(FhirHttpPatchRequest($"fhir/Patient/{id}", "W/\"2\""));
                return response.StatusCode;
            });
            var results = await Task.WhenAll(patches);
            Assert.Equal(1, results.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(5, results.Count(s => s == HttpStatusCode.PreconditionFailed));
        }
    }

    [Fact]
    public async Task Concurrent_conditional_creates_of_the_same_resource_make_one()
    {
        for (var round = 0; round < 3; round++)
        {
            var family = Unique("Once");
            var condition = $"family={family}";
            // plain POSTs with If-None-Exist, conditional updates and transaction entries, all at once
            var attempts = Enumerable.Range(0, 9).Select(async i =>
            {
                var body = Patient(family).ToJsonString();
                var response = (i % 3) switch
                {
                    0 => (await Client.SendAsync(HttpMethod.Post, "fhir/Patient", body, r => r.Headers.TryAddWithoutValidation("If-None-Exist", condition))).Response,
                    1 => (await Client.SendAsync(HttpMethod.Put, $"fhir/Patient?{condition}", body)).Response,
                    _ => (await Client.PostBundleAsync(Bundle("transaction", Entry("POST", "Patient", Patient(family), ifNoneExist: condition)))).Response,
                };
                return response.StatusCode;
            });
            var statuses = await Task.WhenAll(attempts);
            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Created, s.ToString()));
            var (_, count) = await Client.SendAsync(HttpMethod.Get, $"fhir/Patient?{condition}&_summary=count");
            Assert.Equal(1, (int)count!["total"]!);
        }
    }

    private static HttpRequestMessage FhirHttpPatchRequest(string url, string ifMatch)
    {
        var request = FhirHttp.Request(HttpMethod.Patch, url, """[{"op":"replace","path":"/gender","value":"unknown"}]""", "application/json-patch+json");
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    [Fact]
    public async Task Readers_never_see_half_of_a_transaction()
    {
        const int Size = 6;
        var system = "urn:shifo:test:" + Guid.NewGuid().ToString("N")[..8];
        var subject = "Patient/" + await CreateAsync(Patient(Unique("Seen")));
        var started = new ConcurrentQueue<int>();
        var torn = new ConcurrentBag<string>();
        var done = false;

        async Task Writer(int w)
        {
            for (var k = 0; k < 8; k++)
            {
                var group = w * 100 + k;
                started.Enqueue(group);
                var entries = Enumerable.Range(0, Size).Select(_ => Entry("POST", "Observation", Observation(subject, $"g{group}", system))).ToList();
                // every third transaction fails at its last entry and must leave nothing
                var fails = k % 3 == 2;
                if (fails) entries[^1] = Entry("POST", "Observation", Set(Observation(subject, $"g{group}", system), "status", "not-a-status"));
                var (response, body) = await Client.PostBundleAsync(Bundle("transaction", entries.ToArray()));
                Assert.True(response.StatusCode == (fails ? HttpStatusCode.UnprocessableEntity : HttpStatusCode.OK), body?.ToJsonString());
            }
        }

        async Task Reader()
        {
            var random = new Random();
            while (!Volatile.Read(ref done))
            {
                var groups = started.ToArray();
                if (groups.Length == 0) { await Task.Delay(1); continue; }
                var group = groups[random.Next(groups.Length)];
                // one statement: all of a transaction's rows or none of them
                var (response, body) = await Client.SendAsync(HttpMethod.Get, $"fhir/Observation?code={system}|g{group}&_count=50");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var n = body!["entry"]?.AsArray().Count ?? 0; // an empty searchset has no "entry"
                if (n != 0 && n != Size) torn.Add($"g{group}: {n}");
            }
        }

        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(Reader)).ToList();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(w => Task.Run(() => Writer(w))));
        Volatile.Write(ref done, true);
        await Task.WhenAll(readers);
        Assert.Empty(torn);

        foreach (var group in started)
        {
            var (_, body) = await Client.SendAsync(HttpMethod.Get, $"fhir/Observation?code={system}|g{group}&_count=50");
            Assert.Equal(group % 100 % 3 == 2 ? 0 : Size, body!["entry"]?.AsArray().Count ?? 0);
        }
    }
}

[Collection(SqliteBundleCollection.Name)]
public sealed class SqliteEverythingAndConcurrencyTests(SqliteServerFixture server) : EverythingAndConcurrencyTests(server);

[Collection(PostgresBundleCollection.Name)]
public sealed class PostgresEverythingAndConcurrencyTests(PostgresServerFixture server) : EverythingAndConcurrencyTests(server);
