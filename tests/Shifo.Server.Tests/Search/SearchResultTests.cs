using System.Net;
using System.Text.Json.Nodes;
using Shifo.Server.Tests.Conformance;
using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Search;

/// <summary>Chains, _has, includes, sorting, paging, totals, summaries, compartments, strictness, bad input and conditional create, once per store.</summary>
public abstract class SearchResultTests(ServerFixture server)
{
    private static string Patient(string family, string birthDate = "1984-03-12", string extra = "") =>
        $$"""{"resourceType":"Patient","name":[{"family":"{{family}}","given":["Aziz"]}],"gender":"female","birthDate":"{{birthDate}}"{{extra}}}""";

    private static string Observation(string patient, string code, string extra = "") =>
        $$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"{{code}}"}]},"subject":{"reference":"Patient/{{patient}}"}{{extra}}}""";

    /// <summary>Two organizations, three patients (two in the first), observations on each.</summary>
    private async Task<(SearchClient S, string Org1, string Org2, string P1, string P2, string P3, string O1, string O2, string O3)> WorldAsync()
    {
        var s = new SearchClient(server);
        var org1 = await s.CreateAsync("""{"resourceType":"Organization","name":"Samarqand Viloyat Shifoxonasi"}""");
        var org2 = await s.CreateAsync("""{"resourceType":"Organization","name":"Nukus Poliklinikasi"}""");
        var p1 = await s.CreateAsync(Patient("Chainova", extra: $$""","managingOrganization":{"reference":"Organization/{{org1}}"}"""));
        var p2 = await s.CreateAsync(Patient("Chainov", "1990-01-01", $$""","managingOrganization":{"reference":"Organization/{{org1}}"}"""));
        var p3 = await s.CreateAsync(Patient("Boshqa", "1970-05-05", $$""","managingOrganization":{"reference":"Organization/{{org2}}"}"""));
        var o1 = await s.CreateAsync(Observation(p1, "8302-2"));
        var o2 = await s.CreateAsync(Observation(p2, "29463-7"));
        var o3 = await s.CreateAsync(Observation(p3, "8302-2"));
        return (s, org1, org2, p1, p2, p3, o1, o2, o3);
    }

    [Fact]
    public async Task Chains_to_two_levels_and_reverse_chains()
    {
        var w = await WorldAsync();
        var s = w.S;
        Assert.Equal([w.O1, w.O2], await s.SetAsync("Observation?subject:Patient.family=chainov"));
        Assert.Equal([w.O1, w.O2], await s.SetAsync("Observation?subject.family=chainov"));
        Assert.Equal([w.O1, w.O2], await s.SetAsync("Observation?subject:Patient.organization.name=samarqand"));
        Assert.Equal([w.O3], await s.SetAsync("Observation?patient.organization:Organization.name=nukus&code=8302-2"));
        Assert.Equal([w.O1], await s.SetAsync("Observation?subject:Patient.birthdate=1984&subject:Patient.family=chainova"));
        Assert.Equal([w.P1, w.P3], await s.SetAsync("Patient?_has:Observation:subject:code=8302-2"));
        Assert.Equal([w.P2], await s.SetAsync("Patient?_has:Observation:patient:code=29463-7"));
        Assert.Equal([w.Org1, w.Org2], await s.SetAsync("Organization?_has:Patient:organization:_has:Observation:subject:code=8302-2"));
        Assert.Equal([w.Org1], await s.SetAsync("Organization?_has:Patient:organization:_has:Observation:subject:code=29463-7"));
        await s.BadRequestAsync("Observation?subject.shoe-size=44");
        await s.BadRequestAsync("Observation?code.name=x");
        await s.BadRequestAsync("Patient?_has:Observation:code:code=1");
    }

    [Fact]
    public async Task Include_revinclude_and_iterate()
    {
        var w = await WorldAsync();
        var s = w.S;
        var bundle = await s.BundleAsync("Observation?code=8302-2&_include=Observation:subject");
        Assert.Equal([w.O1, w.O3], SearchClient.Matches(bundle).ToHashSet());
        Assert.Equal([w.P1, w.P3], SearchClient.Entries(bundle, "include").Select(e => (string)e["resource"]!["id"]!).ToHashSet());
        Assert.All(bundle["entry"]!.AsArray(), e => Assert.StartsWith(server.Fhir + "/", (string)e!["fullUrl"]!));

        bundle = await s.BundleAsync("Observation?code=8302-2&_include=Observation:subject:Patient&_include:iterate=Patient:organization");
        Assert.Equal([w.P1, w.P3, w.Org1, w.Org2], SearchClient.Entries(bundle, "include").Select(e => (string)e["resource"]!["id"]!).ToHashSet());

        bundle = await s.BundleAsync($"Patient?_id={w.P1}&_revinclude=Observation:subject");
        Assert.Equal([w.P1], SearchClient.Matches(bundle));
        Assert.Equal([w.O1], SearchClient.Entries(bundle, "include").Select(e => (string)e["resource"]!["id"]!).ToList());

        bundle = await s.BundleAsync($"Organization?_id={w.Org1}&_revinclude=Patient:organization&_revinclude:iterate=Observation:subject");
        Assert.Equal([w.P1, w.P2, w.O1, w.O2], SearchClient.Entries(bundle, "include").Select(e => (string)e["resource"]!["id"]!).ToHashSet());

        bundle = await s.BundleAsync($"Patient?_id={w.P3}&_include=*");
        Assert.Equal([w.Org2], SearchClient.Entries(bundle, "include").Select(e => (string)e["resource"]!["id"]!).ToList());
    }

    [Fact]
    public async Task Sort_on_several_keys_with_descending_and_missing_values_last()
    {
        var s = new SearchClient(server);
        // created a few milliseconds apart: _lastUpdated has millisecond precision, and two writes in one millisecond
        // sort by id, not in the order this test expects below
        var a = await s.CreateAsync(Patient("Bbb", "1990-01-01"));
        await Task.Delay(5);
        var b = await s.CreateAsync(Patient("Aaa", "1990-01-01"));
        await Task.Delay(5);
        var c = await s.CreateAsync(Patient("Ccc", "1980-01-01"));
        await Task.Delay(5);
        var d = await s.CreateAsync("""{"resourceType":"Patient","name":[{"family":"Ddd"}]}""");
        Assert.Equal([a, b, c, d], await s.IdsAsync("Patient?_sort=-birthdate,-family"));
        Assert.Equal([b, a, c, d], await s.IdsAsync("Patient?_sort=-birthdate,family"));
        Assert.Equal([c, b, a, d], await s.IdsAsync("Patient?_sort=birthdate,family"));
        Assert.Equal([b, a, c, d], await s.IdsAsync("Patient?_sort=family"));
        Assert.Equal([d, c, a, b], await s.IdsAsync("Patient?_sort=-family"));
        var byUpdate = await s.IdsAsync("Patient?_sort=-_lastUpdated");
        Assert.Equal([d, c, b, a], byUpdate);
        // sorted pages of one: the same order, one at a time
        Assert.Equal([b, a, c, d], await AllPagesAsync(s, "Patient?_sort=-birthdate,family&_count=1"));
    }

    private static async Task<List<string>> AllPagesAsync(SearchClient s, string query, Func<int, Task>? between = null)
    {
        var ids = new List<string>();
        var bundle = await s.BundleAsync(query);
        for (var page = 0; ; page++)
        {
            ids.AddRange(SearchClient.Matches(bundle));
            var next = SearchClient.Link(bundle, "next");
            if (next is null) return ids;
            Assert.True(page < 100, "paging does not end");
            if (between is not null) await between(page);
            var response = await s.Http.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            bundle = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }
    }

    [Fact]
    public async Task Paging_by_cursor_survives_writes_between_pages()
    {
        var s = new SearchClient(server);
        var existing = new List<string>();
        for (var i = 0; i < 7; i++) existing.Add(await s.CreateAsync(Patient("Pager" + (char)('a' + i), $"19{60 + i}-01-01")));

        foreach (var order in new[] { "", "&_sort=family", "&_sort=-birthdate", "&_sort=-_lastUpdated" })
        {
            var created = new List<string>();
            var seen = await AllPagesAsync(s, "Patient?_count=3" + order, async _ =>
            {
                // new resources that sort anywhere, and an update of one already seen
                created.Add(await s.CreateAsync(Patient("Pagera0", "1950-01-01")));
                created.Add(await s.CreateAsync(Patient("Pagerz9", "2000-01-01")));
            });
            Assert.Equal(seen.Count, seen.Distinct().Count());
            Assert.Superset(existing.ToHashSet(), seen.ToHashSet());
            Assert.Empty(seen.Intersect(created));
            existing.AddRange(created);
        }

        // previous goes back to exactly the page before
        var first = await s.BundleAsync("Patient?_count=4&_sort=family");
        var second = JsonNode.Parse(await s.Http.GetStringAsync(SearchClient.Link(first, "next")))!;
        Assert.NotNull(SearchClient.Link(second, "previous"));
        var back = JsonNode.Parse(await s.Http.GetStringAsync(SearchClient.Link(second, "previous")))!;
        Assert.Equal(SearchClient.Matches(first), SearchClient.Matches(back));
        Assert.Null(SearchClient.Link(first, "previous"));
        Assert.Contains("_cursor=", SearchClient.Link(second, "self"));
        // a cursor used with another sort order is refused, not a database error
        var foreign = SearchClient.Link(first, "next")!.Replace("_sort=family", "_sort=birthdate");
        Assert.Equal(HttpStatusCode.BadRequest, (await s.Http.GetAsync(foreign)).StatusCode);
    }

    [Fact]
    public async Task Total_summary_and_elements()
    {
        var s = new SearchClient(server);
        for (var i = 0; i < 3; i++)
            await s.CreateAsync(Patient("Summa" + i, extra: ""","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">Summa</div>"},"contact":[{"name":{"family":"Qarindosh"}}]"""));
        var all = await s.BundleAsync("Patient?_count=2");
        Assert.Equal(3, (int)all["total"]!);
        Assert.Null((await s.BundleAsync("Patient?_count=2&_total=none"))["total"]);
        Assert.Equal(3, (int)(await s.BundleAsync("Patient?_count=2&_total=accurate"))["total"]!);
        Assert.True((int)(await s.BundleAsync("Patient?_count=2&_total=estimate"))["total"]! >= 0);
        var page2 = JsonNode.Parse(await s.Http.GetStringAsync(SearchClient.Link(all, "next")))!;
        Assert.Single(SearchClient.Matches(page2));

        var count = await s.BundleAsync("Patient?_summary=count");
        Assert.Equal(3, (int)count["total"]!);
        Assert.Null(count["entry"]); // FHIR JSON has no empty arrays

        var summary = SearchClient.Entries(await s.BundleAsync("Patient?_summary=true"), "match")[0]["resource"]!;
        Assert.NotNull(summary["name"]);
        Assert.NotNull(summary["birthDate"]);
        Assert.Null(summary["contact"]);
        Assert.Null(summary["text"]);
        Assert.Contains(summary["meta"]!["tag"]!.AsArray(), t => (string?)t!["code"] == "SUBSETTED");

        var text = SearchClient.Entries(await s.BundleAsync("Patient?_summary=text"), "match")[0]["resource"]!;
        Assert.NotNull(text["text"]);
        Assert.Null(text["name"]);
        var data = SearchClient.Entries(await s.BundleAsync("Patient?_summary=data"), "match")[0]["resource"]!;
        Assert.Null(data["text"]);
        Assert.NotNull(data["contact"]);

        var elements = SearchClient.Entries(await s.BundleAsync("Patient?_elements=name,gender"), "match")[0]["resource"]!.AsObject();
        Assert.Equal(["gender", "id", "meta", "name", "resourceType"], elements.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Compartment_search()
    {
        var w = await WorldAsync();
        var s = w.S;
        Assert.Equal([w.O1], await s.SetAsync($"Patient/{w.P1}/Observation"));
        Assert.Equal([w.O3], await s.SetAsync($"Patient/{w.P3}/Observation?code=8302-2"));
        Assert.Empty(await s.SetAsync($"Patient/{w.P3}/Observation?code=29463-7"));
        var bundle = await s.BundleAsync($"Patient/{w.P1}/Observation");
        Assert.StartsWith($"{server.Fhir}/Patient/{w.P1}/Observation?", SearchClient.Link(bundle, "self"));
        await s.BadRequestAsync($"Patient/{w.P1}/Organization");
    }

    [Fact]
    public async Task Unknown_parameters_warn_or_fail_under_strict_handling()
    {
        var s = new SearchClient(server);
        var p = await s.CreateAsync(Patient("Strictova"));
        var bundle = await s.BundleAsync("Patient?family=strictova&shoe-size=44");
        Assert.Equal([p], SearchClient.Matches(bundle));
        var outcome = SearchClient.Entries(bundle, "outcome").Single()["resource"]!;
        Assert.Equal("warning", (string?)outcome["issue"]![0]!["severity"]);
        Assert.Contains("shoe-size", (string?)outcome["issue"]![0]!["diagnostics"] ?? (string?)outcome["issue"]![0]!["details"]?["text"]);
        var self = SearchClient.Link(bundle, "self")!;
        Assert.Contains("family=strictova", self);
        Assert.DoesNotContain("shoe-size", self);

        var (response, body) = await s.Http.SendAsync(HttpMethod.Get, "fhir/Patient?family=strictova&shoe-size=44",
            configure: r => r.Headers.TryAddWithoutValidation("Prefer", "handling=strict"));
        FhirHttp.AssertOutcome(response, body, HttpStatusCode.BadRequest);
        Assert.Equal([p], SearchClient.Matches(await s.BundleAsync("Patient?family=strictova", prefer: "handling=strict")));
    }

    [Theory]
    [InlineData("Patient?birthdate=notadate")]
    [InlineData("Patient?birthdate=xx2020")]
    [InlineData("Patient?birthdate=2020-13-01")]
    [InlineData("RiskAssessment?probability=abc")]
    [InlineData("RiskAssessment?probability=gt")]
    [InlineData("Observation?value-quantity=1|2")]
    [InlineData("Observation?code-value-quantity=http://loinc.org|8302-2")]
    [InlineData("Patient?family:foo=x")]
    [InlineData("Patient?birthdate:exact=2020")]
    [InlineData("Patient?gender:in=http://example.org/no-such-valueset")]
    [InlineData("Patient?identifier:of-type=MR")]
    [InlineData("Patient?organization:missing=maybe")]
    [InlineData("Patient?organization:Foo=1")]
    [InlineData("Patient?_sort=shoe-size")]
    [InlineData("Patient?_total=maybe")]
    [InlineData("Patient?_include=Foo:bar")]
    [InlineData("Patient?_include=Patient:family")]
    [InlineData("Patient?_cursor=garbage")]
    [InlineData("Patient?_summary=bogus")]
    [InlineData("Patient?_count=many")]
    [InlineData("Patient?_has:Foo:bar:baz=1")]
    public async Task Malformed_search_values_are_400(string query)
    {
        await new SearchClient(server).BadRequestAsync(query);
    }

    [Fact]
    public async Task Conditional_create_with_if_none_exist()
    {
        var s = new SearchClient(server);
        var system = "urn:oid:1.2.860." + s.Tag;
        var body = Patient("Shartli", extra: $$""","identifier":[{"system":"{{system}}","value":"42"}]""");
        async Task<HttpResponseMessage> Post(string condition) =>
            (await s.Http.SendAsync(HttpMethod.Post, "fhir/Patient", body, r => r.Headers.TryAddWithoutValidation("If-None-Exist", condition))).Response;

        var created = await Post($"identifier={system}|42");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = created.Headers.Location!.ToString().Split("/_history/")[0].Split('/')[^1];
        var versions = await server.QueryScalarAsync("SELECT COUNT(*) FROM resource_version");

        var again = await Post($"identifier={system}|42");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(id, (string?)JsonNode.Parse(await again.Content.ReadAsStringAsync())!["id"]);
        Assert.Equal(versions, await server.QueryScalarAsync("SELECT COUNT(*) FROM resource_version"));

        Assert.Equal(HttpStatusCode.Created, (await Post($"identifier={system}|43")).StatusCode);
        var many = await Post($"identifier={system}|");
        Assert.Equal(HttpStatusCode.PreconditionFailed, many.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post("birthdate=soon")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post("shoe-size=44")).StatusCode);
    }
}

public sealed class SqliteSearchResultTests(SqliteServerFixture server) : SearchResultTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresSearchResultTests(PostgresServerFixture server) : SearchResultTests(server), IClassFixture<PostgresServerFixture>;
