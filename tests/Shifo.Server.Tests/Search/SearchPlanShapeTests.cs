using System.Net;
using System.Text.Json.Nodes;
using Shifo.Server.Tests.Conformance;
using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Search;

/// <summary>
/// The search compiler writes some criteria in two shapes for speed: _has as a set to start from (alone) or as a
/// per-row probe (beside other criteria); criteria beside a patient reference as per-row probes; a one-criterion total
/// counted from index rows. These prove each shape matches the same resources, including after updates and deletes.
/// Untagged searches use values no other test writes (a fresh code or family name), so they see only this test's data.
/// </summary>
public abstract class SearchPlanShapeTests(ServerFixture server)
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private static string Patient(string family, string birthDate = "1980-01-01") =>
        $$"""{"resourceType":"Patient","name":[{"family":"{{family}}"}],"birthDate":"{{birthDate}}"}""";

    private static string Condition(string patient, string code, string clinical = "active") =>
        $$$"""{"resourceType":"Condition","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"{{{clinical}}}"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"{{{code}}}"}]},"subject":{"reference":"Patient/{{{patient}}}"}}""";

    private static string Observation(string patient, string code, string when, string category = "vital-signs") =>
        $$"""{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"{{category}}"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"{{code}}"}]},"subject":{"reference":"Patient/{{patient}}"},"effectiveDateTime":"{{when}}"}""";

    private async Task DeleteAsync(string type, string id) =>
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.SendAsync(HttpMethod.Delete, $"fhir/{type}/{id}")).Response.StatusCode);

    [Fact]
    public async Task Has_alone_and_beside_other_criteria_matches_the_same_patients()
    {
        var s = new SearchClient(server);
        var family = Unique("Hasova");
        var code = Unique("");
        var p1 = await s.CreateAsync(Patient(family));
        var p2 = await s.CreateAsync(Patient(family, "1990-02-02"));
        var p3 = await s.CreateAsync(Patient(Unique("Boshqa")));
        var p4 = await s.CreateAsync(Patient(family));
        await s.CreateAsync(Condition(p1, code));
        await s.CreateAsync(Condition(p1, code)); // two matching sources: still one match
        await s.CreateAsync(Condition(p3, code));
        var c2 = await s.CreateAsync(Condition(p2, "44054006"));
        var deleted = await s.CreateAsync(Condition(p4, code));
        await DeleteAsync("Condition", deleted);

        // alone (untagged): the set of subjects of matching conditions
        Assert.Equal([p1, p3], SearchClient.Matches(await s.BundleAsync($"Patient?_has:Condition:subject:code=http://snomed.info/sct|{code}", tagged: false)).ToHashSet());
        // beside other criteria: probed per patient
        Assert.Equal([p1], await s.SetAsync($"Patient?family={family}&_has:Condition:subject:code=http://snomed.info/sct|{code}"));
        Assert.Equal([p1], await s.SetAsync($"Patient?family={family}&birthdate=1980-01-01&_has:Condition:subject:code={code}"));
        Assert.Equal([p2], await s.SetAsync($"Patient?family={family}&_has:Condition:subject:code=44054006"));
        Assert.Empty(await s.SetAsync($"Patient?family={family}&birthdate=1990-02-02&_has:Condition:subject:code={code}"));
        // the probe's own criteria may be probes again (nested _has, a modifier, several values)
        Assert.Equal([p1, p2], await s.SetAsync($"Patient?family={family}&_has:Condition:subject:code={code},44054006"));
        Assert.Equal([p2], await s.SetAsync($"Patient?family={family}&_has:Condition:subject:code:not={code}"));
        // criteria on the source's own row (its id, its time), probed without a deleted source
        Assert.Equal([p2], await s.SetAsync($"Patient?family={family}&_has:Condition:subject:_id={c2}"));
        Assert.Equal([p1, p2], await s.SetAsync($"Patient?family={family}&_has:Condition:subject:_lastUpdated=ge2000-01-01"));
        Assert.Equal([p1, p2], await s.SetAsync($"Patient?family={family}&_has:Condition:subject:subject:Patient.family={family}"));
        var total = await s.BundleAsync($"Patient?family={family}&_has:Condition:subject:code={code},44054006&_total=accurate");
        Assert.Equal(2, (int)total["total"]!);
    }

    [Fact]
    public async Task Criteria_beside_a_patient_reference_match_as_they_do_alone()
    {
        var s = new SearchClient(server);
        var p1 = await s.CreateAsync(Patient(Unique("Anchor")));
        var p2 = await s.CreateAsync(Patient(Unique("Other")));
        var o1 = await s.CreateAsync(Observation(p1, "8867-4", "2020-03-01T10:00:00Z"));
        var o2 = await s.CreateAsync(Observation(p1, "8302-2", "2021-06-15T10:00:00Z"));
        var o3 = await s.CreateAsync(Observation(p1, "8867-4", "2022-01-01T10:00:00Z", "laboratory"));
        var o4 = await s.CreateAsync(Observation(p2, "8867-4", "2020-03-01T10:00:00Z"));
        var c1 = await s.CreateAsync(Condition(p1, "44054006", "resolved"));
        var c2 = await s.CreateAsync(Condition(p1, "38341003", "active"));

        Assert.Equal([o1, o3], await s.SetAsync($"Observation?subject=Patient/{p1}&code=http://loinc.org|8867-4"));
        Assert.Equal([o1, o3, o4], await s.SetAsync($"Observation?subject=Patient/{p1},Patient/{p2}&code=8867-4&date=le2022-01-01"));
        Assert.Equal([o1], await s.SetAsync($"Observation?patient={p1}&code=8867-4&date=ge2020-01-01&date=le2021-12-31"));
        Assert.Equal([o3], await s.SetAsync($"Observation?subject=Patient/{p1}&category:not=vital-signs,survey&code:missing=false&date=ge2021"));
        Assert.Equal([o3, o2, o1], await s.IdsAsync($"Observation?subject=Patient/{p1}&_sort=-date"));
        Assert.Equal([o2, o1], await s.IdsAsync($"Observation?subject=Patient/{p1}&category=vital-signs&_sort=-date&_count=10"));
        Assert.Equal([c1, c2], await s.SetAsync($"Condition?subject=Patient/{p1}&clinical-status:in=http://hl7.org/fhir/ValueSet/condition-clinical"));
        Assert.Equal([c2], await s.SetAsync($"Patient/{p1}/Condition?clinical-status=active"));
        Assert.Equal([o2], await s.SetAsync($"Observation?subject:Patient._id={p1}&code=8302-2"));
    }

    [Fact]
    public async Task A_one_criterion_total_counts_current_resources_only()
    {
        var s = new SearchClient(server);
        var family = Unique("Sanoq");
        var moved = Unique("Kochgan");
        var ids = new List<string>();
        for (var i = 0; i < 4; i++) ids.Add(await s.CreateAsync(Patient(family)));
        // an update moves one patient out of the name, a delete removes another; a second update keeps one in
        var updated = JsonNode.Parse(Patient(moved))!.AsObject();
        updated["id"] = ids[0];
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(HttpMethod.Put, $"fhir/Patient/{ids[0]}", updated.ToJsonString())).Response.StatusCode);
        var same = JsonNode.Parse(Patient(family, "1999-09-09"))!.AsObject();
        same["id"] = ids[2];
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(HttpMethod.Put, $"fhir/Patient/{ids[2]}", same.ToJsonString())).Response.StatusCode);
        await DeleteAsync("Patient", ids[1]);

        // one criterion, untagged: the count comes from the index rows; a page of one forces a count
        foreach (var total in new[] { "", "&_total=accurate" })
        {
            var page = await s.BundleAsync($"Patient?family={family}&_count=1{total}", tagged: false);
            Assert.Equal(2, (int)page["total"]!);
            Assert.Single(SearchClient.Matches(page));
        }
        Assert.Equal(1, (int)(await s.BundleAsync($"Patient?family={moved}&_count=0", tagged: false))["total"]!);
        Assert.True((int)(await s.BundleAsync($"Patient?family={family}&_count=1&_total=estimate", tagged: false))["total"]! >= 0);
        // the same with a second criterion (the general count)
        Assert.Equal(2, (int)(await s.BundleAsync($"Patient?family={family}&birthdate=le2000&_count=1", tagged: false))["total"]!);
        // a value repeated in one resource is counted once
        var twice = await s.CreateAsync($$"""{"resourceType":"Patient","name":[{"family":"{{moved}}"},{"family":"{{moved}}","use":"old"}]}""");
        Assert.Equal(2, (int)(await s.BundleAsync($"Patient?family={moved}&_count=1", tagged: false))["total"]!);
        Assert.Contains(twice, SearchClient.Matches(await s.BundleAsync($"Patient?family={moved}", tagged: false)));
    }

    [Fact]
    public async Task A_first_page_of_several_criteria_counts_every_match_while_it_reads_them()
    {
        // a _has beside a name probes each candidate, so the first page counts its matches in its own rows
        var s = new SearchClient(server);
        var family = Unique("Sanab");
        var code = Unique("");
        var withCondition = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var p = await s.CreateAsync(Patient(family, $"19{70 + i}-01-01"));
            if (i % 3 != 2) { withCondition.Add(p); await s.CreateAsync(Condition(p, code)); }
        }
        var gone = withCondition[^1];
        await DeleteAsync("Patient", gone);
        var query = $"Patient?family={family}&_has:Condition:subject:code={code}&_count=2";

        foreach (var sort in new[] { "", "&_sort=-birthdate", "&_total=accurate" })
        {
            var first = await s.BundleAsync(query + sort);
            Assert.Equal(withCondition.Count - 1, (int)first["total"]!);
            Assert.Equal(2, SearchClient.Matches(first).Count);
            // later pages count nothing by default; asked to, they count all matches, not the rest after the cursor
            var second = JsonNode.Parse(await s.Http.GetStringAsync(SearchClient.Link(first, "next")))!;
            Assert.Equal(2, SearchClient.Matches(second).Count);
            if (sort == "&_total=accurate") Assert.Equal(withCondition.Count - 1, (int)second["total"]!);
            else Assert.Null(second["total"]);
        }
        var sorted = await s.IdsAsync($"Patient?family={family}&_has:Condition:subject:code={code}&_sort=-birthdate");
        Assert.Equal(withCondition.Where(p => p != gone).Reverse(), sorted);
        // no match: a total of 0; and criteria that are sets only (counted apart) agree, a page of exactly _count included
        Assert.Equal(0, (int)(await s.BundleAsync($"Patient?family={family}&_has:Condition:subject:code={code}x&_count=2"))["total"]!);
        Assert.Equal(2, (int)(await s.BundleAsync($"Patient?family={family}&birthdate=le1971&_count=2"))["total"]!);
        Assert.Equal(3, (int)(await s.BundleAsync($"Patient?family={family}&birthdate=le1972&_count=2"))["total"]!);
    }

    [Fact]
    public async Task A_first_page_of_more_matches_than_it_counts_is_read_and_counted_apart()
    {
        // criteria beside a patient are probed per candidate, so the first page tries to count in the page; over
        // CountInPageLimit matches it is dropped for the plain page and the count statement
        var s = new SearchClient(server);
        var patient = await s.CreateAsync(Patient(Unique("Kop")));
        var code = Unique("");
        var limit = Shifo.Storage.Search.CompiledSearch.CountInPageLimit;
        var entries = new JsonArray();
        for (var i = 0; i < limit + 2; i++)
        {
            // all but the last two on one day of 2020, those two in 2021
            var observation = s.Tagged(Observation(patient, code, i < limit ? "2020-01-01T10:00:00Z" : $"2021-01-0{i - limit + 1}T10:00:00Z"));
            entries.Add(new JsonObject { ["resource"] = observation, ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Observation" } });
        }
        var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries };
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(HttpMethod.Post, "fhir", bundle.ToJsonString())).Response.StatusCode);

        // over the limit: the right total and the right first page of a sort
        var page = await s.BundleAsync($"Observation?subject=Patient/{patient}&code={code}&_sort=-date&_count=3");
        Assert.Equal(limit + 2, (int)page["total"]!);
        Assert.Equal(["2021-01-02T10:00:00Z", "2021-01-01T10:00:00Z", "2020-01-01T10:00:00Z"],
            SearchClient.Entries(page, "match").Select(e => (string)e["resource"]!["effectiveDateTime"]!));
        Assert.NotNull(SearchClient.Link(page, "next"));
        // just at the limit, and under it: counted in the page, and right
        Assert.Equal(limit, (int)(await s.BundleAsync($"Observation?subject=Patient/{patient}&code={code}&date=lt2020-06-01&_count=1"))["total"]!);
        Assert.Equal(2, (int)(await s.BundleAsync($"Observation?subject=Patient/{patient}&code={code}&date=gt2020-06-01&_count=1"))["total"]!);
    }

    [Fact]
    public async Task Date_equality_matches_ranges_inside_the_day_only()
    {
        var s = new SearchClient(server);
        var day = "2011-11-08";
        string Encounter(string start, string end) =>
            $$$"""{"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"period":{"start":"{{{start}}}","end":"{{{end}}}"}}""";
        var inside = await s.CreateAsync(Encounter($"{day}T09:00:00Z", $"{day}T09:30:00Z"));
        await s.CreateAsync(Encounter($"{day}T23:00:00Z", "2011-11-09T01:00:00Z"));
        await s.CreateAsync(Encounter("2011-11-07T23:00:00Z", $"{day}T01:00:00Z"));
        await s.CreateAsync(Encounter("2011-11-09T09:00:00Z", "2011-11-09T10:00:00Z"));
        Assert.Equal([inside], await s.IdsAsync($"Encounter?date={day}&_sort=-date"));
        Assert.Equal([inside], await s.IdsAsync($"Encounter?date=eq{day}"));
        Assert.Equal(3, (await s.IdsAsync($"Encounter?date=ne{day}")).Count);
    }
}

public sealed class SqliteSearchPlanShapeTests(SqliteServerFixture server) : SearchPlanShapeTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresSearchPlanShapeTests(PostgresServerFixture server) : SearchPlanShapeTests(server), IClassFixture<PostgresServerFixture>;
