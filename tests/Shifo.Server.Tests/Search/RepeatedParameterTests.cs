using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Search;

/// <summary>
/// Parameters that only repeat others (Observation's combo-*, the patient parameters that are subject kept to
/// Patient targets) have no rows of their own: every way of searching them must still match what their definitions say.
/// </summary>
public abstract class RepeatedParameterTests(ServerFixture server)
{
    private const string Loinc = "http://loinc.org";

    private static string Obs(string code, string subject, string rest = "") =>
        $$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"{{Loinc}}","code":"{{code}}"}]},"subject":{{subject}}{{rest}}}""";

    private static string Component(string code, double value) =>
        $$$"""{"code":{"coding":[{"system":"{{{Loinc}}}","code":"{{{code}}}"}]},"valueQuantity":{"value":{{{value}}},"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":"mm[Hg]"}}""";

    [Fact]
    public async Task Combo_and_patient_parameters_search_through_the_rows_they_repeat()
    {
        var s = new SearchClient(server);
        var p = await s.CreateAsync($$"""{"resourceType":"Patient","name":[{"family":"Repeatova{{s.Tag}}"}]}""");
        var g = await s.CreateAsync("""{"resourceType":"Group","type":"person","actual":true}""");
        var bp = await s.CreateAsync(Obs("85354-9", $$"""{"reference":"Patient/{{p}}"}""",
            $$""","component":[{{Component("8480-6", 120)}},{{Component("8462-4", 80)}}]"""));
        var height = await s.CreateAsync(Obs("8302-2", $$"""{"reference":"Group/{{g}}"}""", ""","valueQuantity":{"value":170,"unit":"cm","system":"http://unitsofmeasure.org","code":"cm"}"""));
        var absent = await s.CreateAsync(Obs("8302-2", """{"type":"Patient","identifier":{"system":"urn:oid:1.2.860.1","value":"31203840010015"}}""",
            ""","dataAbsentReason":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/data-absent-reason","code":"unknown"}]}"""));
        var untyped = await s.CreateAsync(Obs("29463-7", """{"identifier":{"system":"urn:oid:1.2.860.1","value":"41203840010016"}}"""));
        var elsewhere = await s.CreateAsync(Obs("29463-7", """{"reference":"http://other.example.org/fhir/Thing/1"}"""));
        var visit = await s.CreateAsync($$"""{"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"subject":{"reference":"Patient/{{p}}"} }""");

        // combo-* = the resource's own value or code, or a component's
        Assert.Equal([bp], await s.SetAsync("Observation?combo-code=8480-6"));
        Assert.Equal([bp], await s.SetAsync($"Observation?combo-code={Loinc}|85354-9"));
        Assert.Equal([height, absent], await s.SetAsync("Observation?combo-code=8302-2"));
        Assert.Empty(await s.SetAsync("Observation?code=8480-6"));
        Assert.Equal([bp, height], await s.SetAsync("Observation?combo-value-quantity=gt100"));
        Assert.Equal([bp], await s.SetAsync("Observation?combo-value-quantity=lt100"));
        Assert.Equal([absent, untyped, elsewhere], await s.SetAsync("Observation?combo-value-quantity:missing=true"));
        Assert.Equal([bp], await s.SetAsync("Observation?combo-code-value-quantity=8480-6$gt100"));
        Assert.Empty(await s.SetAsync("Observation?combo-code-value-quantity=8462-4$gt100"));
        Assert.Equal([height], await s.SetAsync("Observation?combo-code-value-quantity=8302-2$170"));
        Assert.Equal([absent], await s.SetAsync("Observation?combo-data-absent-reason=unknown"));
        Assert.Equal([bp, height], await s.IdsAsync("Observation?combo-value-quantity=gt0&_sort=combo-value-quantity"));

        // patient = subject when it is a Patient, or a reference whose target type cannot be read
        Assert.Equal([bp], await s.SetAsync($"Observation?patient={p}"));
        Assert.Equal([bp], await s.SetAsync($"Observation?patient.family=Repeatova{s.Tag}"));
        Assert.Equal([absent], await s.SetAsync("Observation?patient:identifier=urn:oid:1.2.860.1|31203840010015"));
        Assert.Empty(await s.SetAsync("Observation?patient:identifier=urn:oid:1.2.860.1|41203840010016"));
        Assert.Equal([untyped], await s.SetAsync("Observation?subject:identifier=urn:oid:1.2.860.1|41203840010016"));
        Assert.Equal([elsewhere], await s.SetAsync("Observation?patient=http://other.example.org/fhir/Thing/1"));
        Assert.Equal([height, untyped], await s.SetAsync("Observation?patient:missing=true"));
        Assert.Equal([p], await s.SetAsync("Patient?_has:Observation:patient:combo-code=8480-6"));
        Assert.Equal([p], await s.SetAsync($"Patient?phonetic=Repeatova{s.Tag}"));
        Assert.Equal([visit], await s.SetAsync($"Encounter?patient={p}"));
        Assert.Equal([visit], await s.SetAsync($"Patient/{p}/Encounter"));

        var included = await s.BundleAsync($"Observation?_id={bp},{height}&_include=Observation:patient");
        Assert.Equal([p], SearchClient.Entries(included, "include").Select(e => (string)e["resource"]!["id"]!));
        var revIncluded = await s.BundleAsync($"Patient?_id={p}&_revinclude=Observation:patient&_revinclude=Encounter:patient");
        Assert.Equal([bp, visit], SearchClient.Entries(revIncluded, "include").Select(e => (string)e["resource"]!["id"]!).ToHashSet());

        // and none of those rows was written twice
        Assert.Equal(0L, await server.QueryScalarAsync(
            "SELECT COUNT(*) FROM idx_reference WHERE res_id IN (@a, @b) AND param = 'patient'", ("@a", bp), ("@b", visit)));
        Assert.Equal(0L, await server.QueryScalarAsync(
            "SELECT COUNT(*) FROM idx_token WHERE res_id = @a AND param LIKE 'combo-%'", ("@a", bp)));
        Assert.Equal(0L, await server.QueryScalarAsync("SELECT COUNT(*) FROM idx_string WHERE res_id = @a AND param = 'phonetic'", ("@a", p)));
        Assert.Equal(1L, await server.QueryScalarAsync(
            "SELECT COUNT(*) FROM idx_reference WHERE res_id = @a AND param = 'subject'", ("@a", bp)));
    }
}

public sealed class SqliteRepeatedParameterTests(SqliteServerFixture server) : RepeatedParameterTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresRepeatedParameterTests(PostgresServerFixture server) : RepeatedParameterTests(server), IClassFixture<PostgresServerFixture>;
