using System.Net;
using System.Text.Json.Nodes;
using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Search;

/// <summary>
/// A page is sorted and cut on the index rows before its resources are read, and _include/_revinclude follow the
/// page's own matches in one statement per level. These prove pages in both directions keep the full order (several
/// keys, descending, missing values last, ties broken by id), and that includes belong to the page they come with.
/// </summary>
public abstract class SearchPageTests(ServerFixture server)
{
    private static string Patient(string family) => $$"""{"resourceType":"Patient","name":[{"family":"{{family}}"}]}""";

    private static string Observation(string patient, string code, string? when, string? performer = null) =>
        $$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"{{code}}"}]},"subject":{"reference":"Patient/{{patient}}"}{{(when is null ? "" : $",\"effectiveDateTime\":\"{when}\"")}}{{(performer is null ? "" : $",\"performer\":[{{\"reference\":\"Practitioner/{performer}\"}}]")}}}""";

    private async Task<JsonNode> GetAsync(SearchClient s, string url)
    {
        var response = await s.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Follows next links to the end, then previous links back to the start: the ids forward and the ids met going back.</summary>
    private async Task<(List<string> Forward, List<string> Backward)> BothWaysAsync(SearchClient s, string query)
    {
        var pages = new List<List<string>>();
        var bundle = await s.BundleAsync(query);
        while (true)
        {
            pages.Add(SearchClient.Matches(bundle));
            Assert.True(pages.Count < 50, "paging does not end");
            if (SearchClient.Link(bundle, "next") is not { } next) break;
            bundle = await GetAsync(s, next);
        }
        var backward = new List<string>(pages[^1]);
        while (SearchClient.Link(bundle, "previous") is { } previous)
        {
            Assert.True(backward.Count < 500, "paging back does not end");
            bundle = await GetAsync(s, previous);
            backward.InsertRange(0, SearchClient.Matches(bundle));
        }
        return (pages.SelectMany(p => p).ToList(), backward);
    }

    [Fact]
    public async Task Sorted_pages_keep_the_whole_order_both_ways()
    {
        var s = new SearchClient(server);
        var p = await s.CreateAsync(Patient("Sortova"));
        // ties on the date (broken by id), a missing date (last either way), two codes for a second key
        var dates = new[] { "2020-03-01", "2021-07-15", "2020-03-01", null, "2019-01-01", "2021-07-15", "2022-12-31", null, "2020-03-01" };
        var made = new List<(string Id, string Code, string? When)>();
        for (var i = 0; i < dates.Length; i++)
        {
            var code = i % 2 == 0 ? "8302-2" : "29463-7";
            made.Add((await s.CreateAsync(Observation(p, code, dates[i])), code, dates[i]));
        }

        var byDateDescending = made.OrderBy(m => m.When is null ? 1 : 0).ThenByDescending(m => m.When).ThenBy(m => m.Id, StringComparer.Ordinal).Select(m => m.Id).ToList();
        var byDate = made.OrderBy(m => m.When is null ? 1 : 0).ThenBy(m => m.When).ThenBy(m => m.Id, StringComparer.Ordinal).Select(m => m.Id).ToList();
        var byCodeThenDateDescending = made.OrderBy(m => m.Code, StringComparer.Ordinal).ThenBy(m => m.When is null ? 1 : 0)
            .ThenByDescending(m => m.When).ThenBy(m => m.Id, StringComparer.Ordinal).Select(m => m.Id).ToList();

        foreach (var (sort, expected) in new[] { ("-date", byDateDescending), ("date", byDate), ("code,-date", byCodeThenDateDescending) })
        {
            Assert.Equal(expected, await s.IdsAsync($"Observation?subject=Patient/{p}&_sort={sort}"));
            foreach (var size in new[] { 1, 2, 4 })
            {
                var (forward, backward) = await BothWaysAsync(s, $"Observation?subject=Patient/{p}&_sort={sort}&_count={size}");
                Assert.Equal(expected, forward);
                Assert.Equal(expected, backward);
            }
        }
        // the first page of a sorted search still counts every match
        var first = await s.BundleAsync($"Observation?subject=Patient/{p}&_sort=-date&_count=2");
        Assert.Equal(dates.Length, (int)first["total"]!);
        Assert.Equal(byDateDescending.Take(2), SearchClient.Matches(first));
    }

    [Fact]
    public async Task Includes_follow_only_the_page_they_come_with()
    {
        var s = new SearchClient(server);
        var patients = new List<string>();
        var performers = new List<string>();
        var observations = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            patients.Add(await s.CreateAsync(Patient("Pagova" + i)));
            performers.Add(await s.CreateAsync("""{"resourceType":"Practitioner","name":[{"family":"Shifokor"}]}"""));
            observations.Add(await s.CreateAsync(Observation(patients[i], "8302-2", $"2020-01-0{i + 1}", performers[i])));
        }
        // a second observation of the first patient: revincluded with it, its patient included once
        var extra = await s.CreateAsync(Observation(patients[0], "29463-7", "2020-02-01"));
        // a deleted observation is never brought along
        var gone = await s.CreateAsync(Observation(patients[1], "29463-7", "2020-02-02"));
        Assert.Equal(HttpStatusCode.NoContent, (await s.Http.DeleteAsync($"fhir/Observation/{gone}")).StatusCode);

        static HashSet<string> Included(JsonNode bundle) => SearchClient.Entries(bundle, "include").Select(e => (string)e["resource"]!["id"]!).ToHashSet();

        // forward, two includes on each page of two: exactly the subjects and performers of that page
        var bundle = await s.BundleAsync("Observation?code=8302-2&_sort=date&_count=2&_include=Observation:subject&_include=Observation:performer");
        for (var page = 0; page < 3; page++)
        {
            var onPage = observations.Skip(page * 2).Take(2).ToList();
            Assert.Equal(onPage, SearchClient.Matches(bundle));
            var expected = onPage.Select(o => patients[observations.IndexOf(o)]).Concat(onPage.Select(o => performers[observations.IndexOf(o)])).ToHashSet();
            Assert.Equal(expected, Included(bundle));
            Assert.Equal(expected.Count, SearchClient.Entries(bundle, "include").Count);
            if (SearchClient.Link(bundle, "next") is { } next) bundle = await GetAsync(s, next);
            else Assert.Equal(2, page);
        }

        // reverse on a page, then :iterate from the observations it brought to their performers
        bundle = await s.BundleAsync("Patient?family=Pagova&_sort=family&_count=2&_revinclude=Observation:subject&_include:iterate=Observation:performer");
        Assert.Equal(patients.Take(2), SearchClient.Matches(bundle));
        Assert.Equal([observations[0], observations[1], extra, performers[0], performers[1]], Included(bundle));
        Assert.Equal(5, SearchClient.Entries(bundle, "include").Count);

        // an include pointing back at a match of the same page adds nothing
        bundle = await s.BundleAsync($"Observation?subject=Patient/{patients[0]}&_include=Observation:subject&_revinclude=Observation:subject");
        Assert.Equal([observations[0], extra], SearchClient.Matches(bundle).ToHashSet());
        Assert.Equal([patients[0]], Included(bundle));
    }
}

public sealed class SqliteSearchPageTests(SqliteServerFixture server) : SearchPageTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresSearchPageTests(PostgresServerFixture server) : SearchPageTests(server), IClassFixture<PostgresServerFixture>;
