using System.Text.Json.Nodes;
using Shifo.Server.Tests.Conformance;
using Shifo.Server.Tests.Search;
using Shifo.Storage.Indexing;

namespace Shifo.Server.Tests.Synthea;

/// <summary>Real searches over the loaded Synthea data, each checked against an answer computed from the files alone.</summary>
public abstract partial class SyntheaLoadTests
{
    private static IEnumerable<JsonNode> Resources(SyntheaLoad load, string type) =>
        load.Bundles.SelectMany(b => b.Entries).Select(e => e!["resource"]!).Where(r => (string?)r["resourceType"] == type);

    /// <summary>The server's id of a resource of the files, found by its fullUrl.</summary>
    private static string LocalId(SyntheaLoad load, JsonNode resource) => load.Assigned["urn:uuid:" + (string)resource["id"]!].Split('/')[1];

    private static string? Subject(JsonNode r) => ((string?)r["subject"]?["reference"])?["urn:uuid:".Length..];

    private async Task<JsonNode> GetAsync(string query)
    {
        var (response, body) = await server.Client.SendAsync(HttpMethod.Get, "fhir/" + query);
        Assert.True(response.IsSuccessStatusCode, $"{query}: {(int)response.StatusCode} {body?.ToJsonString()}");
        return body!;
    }

    private async Task<int> TotalAsync(string query) => (int)(await GetAsync(query + (query.Contains('?') ? "&" : "?") + "_count=0"))["total"]!;

    [Fact]
    public async Task Searches_over_Synthea_agree_with_the_files()
    {
        var load = await SyntheaLoader.LoadAsync(server);
        var patients = Resources(load, "Patient").ToList();
        var observations = Resources(load, "Observation").ToList();

        // one patient's body heights (LOINC 8302-2)
        bool IsHeight(JsonNode o) => o["code"]!["coding"]!.AsArray().Any(c => (string?)c!["system"] == "http://loinc.org" && (string?)c["code"] == "8302-2");
        var tallest = patients.MaxBy(p => observations.Count(o => Subject(o) == (string)p["id"]! && IsHeight(o)))!;
        var heights = observations.Count(o => Subject(o) == (string)tallest["id"]! && IsHeight(o));
        Assert.True(heights > 1);
        var pid = LocalId(load, tallest);
        Assert.Equal(heights, await TotalAsync($"Observation?subject=Patient/{pid}&code=http://loinc.org|8302-2"));
        Assert.Equal(heights, await TotalAsync($"Patient/{pid}/Observation?code=8302-2"));

        // heights above 170 cm, also asked in metres (canonical UCUM units)
        var tall = observations.Count(o => IsHeight(o) && (double)o["valueQuantity"]!["value"]! > 170);
        Assert.Equal(tall, await TotalAsync("Observation?code=http://loinc.org|8302-2&value-quantity=gt170|http://unitsofmeasure.org|cm"));
        Assert.Equal(tall, await TotalAsync("Observation?code-value-quantity=http://loinc.org|8302-2$gt1.7|http://unitsofmeasure.org|m"));

        // patients born before 1960, and in the 1980s
        Assert.Equal(patients.Count(p => string.CompareOrdinal((string)p["birthDate"]!, "1960-01-01") < 0), await TotalAsync("Patient?birthdate=lt1960-01-01"));
        Assert.Equal(patients.Count(p => ((string)p["birthDate"]!).StartsWith("198", StringComparison.Ordinal)),
            await TotalAsync("Patient?birthdate=ge1980&birthdate=lt1990"));

        // the most frequent SNOMED condition
        var conditions = Resources(load, "Condition").ToList();
        var snomed = conditions.SelectMany(c => c["code"]!["coding"]!.AsArray()).Where(c => (string?)c!["system"] == "http://snomed.info/sct")
            .GroupBy(c => (string)c!["code"]!).MaxBy(g => g.Count())!;
        Assert.Equal(conditions.Count(c => c["code"]!["coding"]!.AsArray().Any(x => (string?)x!["code"] == snomed.Key)),
            await TotalAsync($"Condition?code=http://snomed.info/sct|{snomed.Key}"));
        // by a value set of the package: every clinical status
        Assert.Equal(conditions.Count(c => c["clinicalStatus"] is not null),
            await TotalAsync("Condition?clinical-status:in=http://hl7.org/fhir/ValueSet/condition-clinical"));

        // one patient's encounters sorted by date: the start times of the file, in order
        var encounters = Resources(load, "Encounter").Where(e => Subject(e) == (string)tallest["id"]!).ToList();
        var expectedStarts = encounters.Select(e => FhirDateRange.TryParse((string?)e["period"]!["start"], out var r) ? r.Low : 0).Order().ToList();
        var bundle = await GetAsync($"Encounter?subject=Patient/{pid}&_sort=date&_count=1000");
        var matches = SearchClient.Entries(bundle, "match").Select(e => e["resource"]!).ToList();
        Assert.Equal(encounters.Select(e => LocalId(load, e)).ToHashSet(), matches.Select(m => (string)m["id"]!).ToHashSet());
        Assert.Equal(expectedStarts, matches.Select(m => FhirDateRange.TryParse((string?)m["period"]!["start"], out var r) ? r.Low : 0).ToList());

        // a chain: observations of the patients of one family name
        var family = (string)tallest["name"]![0]!["family"]!;
        var ofFamily = patients.Where(p => p["name"]!.AsArray().Any(n => TextNormalizer.Normalize((string?)n!["family"]).StartsWith(TextNormalizer.Normalize(family), StringComparison.Ordinal)))
            .Select(p => (string)p["id"]!).ToHashSet();
        Assert.Equal(observations.Count(o => Subject(o) is { } s && ofFamily.Contains(s)),
            await TotalAsync($"Observation?subject:Patient.family={Uri.EscapeDataString(family)}"));

        // _revinclude: the patient and all its encounters
        var withEncounters = await GetAsync($"Patient?_id={pid}&_revinclude=Encounter:subject");
        Assert.Equal([pid], SearchClient.Matches(withEncounters));
        Assert.Equal(encounters.Count, SearchClient.Entries(withEncounters, "include").Count);

        // paging through all Conditions, 20 at a time, sees each exactly once
        var seen = new List<string>();
        var page = await GetAsync("Condition?_count=20&_sort=-onset-date");
        while (true)
        {
            seen.AddRange(SearchClient.Matches(page));
            if (SearchClient.Link(page, "next") is not { } next) break;
            page = JsonNode.Parse(await server.Client.GetStringAsync(next))!;
        }
        Assert.Equal(conditions.Count, seen.Count);
        Assert.Equal(conditions.Select(c => LocalId(load, c)).ToHashSet(), seen.ToHashSet());
    }
}
