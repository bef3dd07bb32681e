using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Search;

/// <summary>Every parameter type with its prefixes and modifiers, through HTTP, once per store.</summary>
public abstract class SearchParameterTypeTests(ServerFixture server)
{
    private static string Patient(string family, string given = "Aziz", string? birthDate = "1984-03-12", string gender = "female", string extra = "") =>
        $$"""{"resourceType":"Patient","name":[{"family":"{{family}}","given":["{{given}}"]}],"gender":"{{gender}}"{{(birthDate is null ? "" : $",\"birthDate\":\"{birthDate}\"")}}{{extra}}}""";

    [Fact]
    public async Task String_prefix_exact_contains_missing_and_transliteration()
    {
        var s = new SearchClient(server);
        var qodirova = await s.CreateAsync(Patient("Qodirova", "Ўктам"));
        var karimov = await s.CreateAsync(Patient("Karimov", "Shavkat", birthDate: null));
        var karimova = await s.CreateAsync(Patient("Karimova-Olim", "O'ktam"));

        Assert.Equal([qodirova], await s.SetAsync("Patient?family=qodir"));
        Assert.Equal([karimov, karimova], await s.SetAsync("Patient?family=KARIMOV"));
        Assert.Equal([karimov], await s.SetAsync("Patient?family:exact=Karimov"));
        Assert.Empty(await s.SetAsync("Patient?family:exact=karimov"));
        Assert.Equal([karimova], await s.SetAsync("Patient?family:contains=olim"));
        Assert.Equal([qodirova, karimova], await s.SetAsync("Patient?given=oktam"));
        Assert.Equal([qodirova, karimova], await s.SetAsync("Patient?given=Ўктам"));
        Assert.Equal([karimov], await s.SetAsync("Patient?name=шавкат"));
        // comma = OR, repeated = AND
        Assert.Equal([qodirova, karimov], await s.SetAsync("Patient?family=qodirova,karimov&family:exact=Qodirova,Karimov"));
        Assert.Equal([karimova], await s.SetAsync("Patient?family=karimov&given=oktam"));
        Assert.Equal([karimov], await s.SetAsync("Patient?birthdate:missing=true"));
        Assert.Equal([qodirova, karimova], await s.SetAsync("Patient?birthdate:missing=false"));
    }

    [Fact]
    public async Task Token_forms_and_modifiers()
    {
        var s = new SearchClient(server);
        var mr = """{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}],"text":"Medical record"},"system":"urn:oid:1.2.860.3","value":"MR-77"}""";
        var a = await s.CreateAsync(Patient("Tokenova", extra: $$""","identifier":[{"system":"urn:oid:1.2.860.1","value":"31203840010015"},{{mr}}]"""));
        var b = await s.CreateAsync(Patient("Tokenov", gender: "male", extra: ""","identifier":[{"system":"urn:oid:1.2.860.2","value":"31203840010015"}]"""));
        var c = await s.CreateAsync(Patient("Tokenli", gender: "other", extra: ""","identifier":[{"value":"31203840010015"}]"""));

        Assert.Equal([a], await s.SetAsync("Patient?identifier=urn:oid:1.2.860.1|31203840010015"));
        Assert.Equal([a, b, c], await s.SetAsync("Patient?identifier=31203840010015"));
        Assert.Equal([c], await s.SetAsync("Patient?identifier=|31203840010015"));
        Assert.Equal([b], await s.SetAsync("Patient?identifier=urn:oid:1.2.860.2|"));
        Assert.Equal([a], await s.SetAsync("Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|MR-77"));
        Assert.Empty(await s.SetAsync("Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|SS|MR-77"));
        Assert.Equal([a], await s.SetAsync("Patient?identifier:text=medical"));
        // a bare code has the system of its required binding
        Assert.Equal([a], await s.SetAsync("Patient?gender=http://hl7.org/fhir/administrative-gender|female"));
        Assert.Equal([b, c], await s.SetAsync("Patient?gender:not=female"));
        Assert.Equal([a, b, c], await s.SetAsync("Patient?gender:in=http://hl7.org/fhir/ValueSet/administrative-gender"));
        Assert.Empty(await s.SetAsync("Patient?gender:not-in=http://hl7.org/fhir/ValueSet/administrative-gender"));
        Assert.Equal([a, b], await s.SetAsync("Patient?gender=female,male"));
        Assert.Equal([a, b, c], await s.SetAsync("Patient?_id=" + string.Join(",", a, b, c)));
        Assert.Equal([b, c], await s.SetAsync("Patient?_id:not=" + a));
    }

    [Fact]
    public async Task Token_above_and_below_follow_the_code_system_hierarchy()
    {
        var s = new SearchClient(server);
        string Obs(string status) => $$"""{"resourceType":"Observation","status":"{{status}}","code":{"coding":[{"system":"http://loinc.org","code":"8302-2"}]} }""";
        var amended = await s.CreateAsync(Obs("amended"));
        var corrected = await s.CreateAsync(Obs("corrected"));
        var final = await s.CreateAsync(Obs("final"));
        Assert.Equal([amended, corrected], await s.SetAsync("Observation?status:below=http://hl7.org/fhir/observation-status|amended"));
        Assert.Equal([amended, corrected], await s.SetAsync("Observation?status:above=http://hl7.org/fhir/observation-status|corrected"));
        Assert.Equal([final], await s.SetAsync("Observation?status:below=http://hl7.org/fhir/observation-status|final"));
    }

    [Fact]
    public async Task Date_prefixes_over_partial_dates_and_periods()
    {
        var s = new SearchClient(server);
        var p = await s.CreateAsync(Patient("Datova"));
        foreach (var (query, hit) in new (string, bool)[]
                 {
                     ("1984", true), ("1984-03", true), ("1984-03-12", true), ("1984-03-13", false), ("eq1984-03-12T10:00", false),
                     ("gt1984-03-11", true), ("gt1984-03-12", false), ("gt1983", true), ("lt1984-03-13", true), ("lt1984-03-12", false),
                     ("ge1984-03-12", true), ("ge1984-03-13", false), ("le1984-03-12", true), ("le1984-03-11", false),
                     ("ne1984-03-12", false), ("ne1985", true), ("ne1984", false), ("sa1984-03-11", true), ("sa1984", false),
                     ("eb1984-03-13", true), ("eb1984-03-12", false), ("ap1984-03-12", true), ("ap1984-03-01", true), ("ap2024-01-01", false),
                     ("ge1984-03-12T00:00:00Z", true), ("lt1984-03-12T00:00:00Z", false),
                 })
            Assert.True(hit == (await s.SetAsync("Patient?birthdate=" + query)).Contains(p), $"birthdate={query} should {(hit ? "" : "not ")}match 1984-03-12");

        string Enc(string period) => $$"""{"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"period":{{period}}}""";
        var closed = await s.CreateAsync(Enc("""{"start":"2020-01-01T10:00:00Z","end":"2020-01-01T11:00:00Z"}"""));
        var open = await s.CreateAsync(Enc("""{"start":"2021-06-01"}"""));
        Assert.Equal([closed], await s.SetAsync("Encounter?date=2020-01-01"));
        Assert.Equal([closed], await s.SetAsync("Encounter?date=ge2020-01-01T10:30:00Z&date=le2020-01-01T10:30:00Z"));
        Assert.Empty(await s.SetAsync("Encounter?date=2020-01-01T10:30:00Z"));
        Assert.Equal([open], await s.SetAsync("Encounter?date=gt2030"));
        Assert.Equal([closed, open], await s.SetAsync("Encounter?date=ge2020"));
        Assert.Equal([closed], await s.SetAsync("Encounter?date=eb2021"));
        Assert.Equal([open], await s.SetAsync("Encounter?date=sa2020-12-31"));
        Assert.Equal([closed, open], await s.SetAsync($"Encounter?_lastUpdated=ge2020&_lastUpdated=le{DateTime.UtcNow.AddDays(1):yyyy-MM-dd}"));
    }

    [Fact]
    public async Task Number_precision_and_prefixes()
    {
        var s = new SearchClient(server);
        string Risk(string probability) => $$"""{"resourceType":"RiskAssessment","status":"final","subject":{"reference":"Patient/x"},"prediction":[{"probabilityDecimal":{{probability}}}]}""";
        var half = await s.CreateAsync(Risk("0.5"));
        var near = await s.CreateAsync(Risk("0.54"));
        var edge = await s.CreateAsync(Risk("0.55"));
        var hundred = await s.CreateAsync(Risk("100"));
        // the search value's precision: 0.5 = [0.45, 0.55), 0.50 = [0.495, 0.505)
        Assert.Equal([half, near], await s.SetAsync("RiskAssessment?probability=0.5"));
        Assert.Equal([half], await s.SetAsync("RiskAssessment?probability=0.50"));
        Assert.Equal([hundred], await s.SetAsync("RiskAssessment?probability=1e2"));
        Assert.Equal([near, edge, hundred], await s.SetAsync("RiskAssessment?probability=gt0.5"));
        Assert.Equal([half, near, edge, hundred], await s.SetAsync("RiskAssessment?probability=ge0.5"));
        Assert.Equal([half], await s.SetAsync("RiskAssessment?probability=lt0.54"));
        Assert.Equal([half, near], await s.SetAsync("RiskAssessment?probability=le0.54"));
        Assert.Equal([edge, hundred], await s.SetAsync("RiskAssessment?probability=ne0.5"));
        Assert.Equal([hundred], await s.SetAsync("RiskAssessment?probability=ap95"));
        Assert.Equal([hundred], await s.SetAsync("RiskAssessment?probability=sa1"));
        Assert.Equal([half, near, edge], await s.SetAsync("RiskAssessment?probability=eb1"));
    }

    [Fact]
    public async Task Quantity_with_units_canonical_ucum_and_composites()
    {
        var s = new SearchClient(server);
        string Obs(string code, string value, string unit, string extra = "") =>
            $$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"{{code}}"}]},"valueQuantity":{"value":{{value}},"unit":"{{unit}}","system":"http://unitsofmeasure.org","code":"{{unit}}"}{{extra}}}""";
        var grams = await s.CreateAsync(Obs("2345-7", "1.5", "g"));
        var mg = await s.CreateAsync(Obs("2345-7", "900", "mg"));
        var cm = await s.CreateAsync(Obs("8302-2", "180.2", "cm"));
        Assert.Equal([grams], await s.SetAsync("Observation?value-quantity=1500|http://unitsofmeasure.org|mg"));
        Assert.Equal([grams], await s.SetAsync("Observation?value-quantity=gt1|http://unitsofmeasure.org|g"));
        Assert.Equal([mg], await s.SetAsync("Observation?value-quantity=lt1|http://unitsofmeasure.org|g"));
        Assert.Equal([grams], await s.SetAsync("Observation?value-quantity=1.5||g"));
        Assert.Equal([grams], await s.SetAsync("Observation?value-quantity=1.5"));
        Assert.Equal([cm], await s.SetAsync("Observation?value-quantity=gt1.8|http://unitsofmeasure.org|m"));
        Assert.Equal([cm], await s.SetAsync("Observation?code-value-quantity=http://loinc.org|8302-2$gt180"));
        Assert.Empty(await s.SetAsync("Observation?code-value-quantity=http://loinc.org|8302-2$lt180"));
        Assert.Equal([mg, cm], await s.SetAsync("Observation?code-value-quantity=http://loinc.org|8302-2$gt180,http://loinc.org|2345-7$ge900||mg"));

        // components pair up within one component only
        var bp = await s.CreateAsync("""
            {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"component":[
              {"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":120,"system":"http://unitsofmeasure.org","code":"mm[Hg]"}},
              {"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":80,"system":"http://unitsofmeasure.org","code":"mm[Hg]"}}]}
            """);
        Assert.Equal([bp], await s.SetAsync("Observation?component-code-value-quantity=http://loinc.org|8480-6$120"));
        Assert.Empty(await s.SetAsync("Observation?component-code-value-quantity=http://loinc.org|8480-6$80"));

        // a pair lacking one of its parts is no value of the composite: an Observation without a value has a code but no code-value-quantity
        var pending = await s.CreateAsync("""{"resourceType":"Observation","status":"registered","code":{"coding":[{"system":"http://loinc.org","code":"8302-2"}]}}""");
        Assert.Equal([pending, bp], await s.SetAsync("Observation?code-value-quantity:missing=true"));
        Assert.Equal([grams, mg, cm], await s.SetAsync("Observation?code-value-quantity:missing=false"));
        Assert.Equal([cm, pending], await s.SetAsync("Observation?code=http://loinc.org|8302-2"));
    }

    [Fact]
    public async Task Reference_forms_type_identifier_and_missing()
    {
        var s = new SearchClient(server);
        var p = await s.CreateAsync(Patient("Refova"));
        var other = await s.CreateAsync(Patient("Refov"));
        string Obs(string subject) => $$"""{"resourceType":"Observation","status":"final","code":{"text":"x"}{{subject}}}""";
        var o1 = await s.CreateAsync(Obs($$""","subject":{"reference":"Patient/{{p}}"}"""));
        var o2 = await s.CreateAsync(Obs(""","subject":{"identifier":{"system":"urn:oid:1.2.860.1","value":"31203840010015"}}"""));
        var o3 = await s.CreateAsync(Obs(""));
        Assert.Equal([o1], await s.SetAsync($"Observation?subject=Patient/{p}"));
        Assert.Equal([o1], await s.SetAsync($"Observation?subject={p}"));
        Assert.Equal([o1], await s.SetAsync($"Observation?subject:Patient={p}"));
        Assert.Equal([o1], await s.SetAsync($"Observation?patient={p}"));
        Assert.Equal([o1], await s.SetAsync($"Observation?subject={server.Fhir}/Patient/{p}"));
        Assert.Empty(await s.SetAsync($"Observation?subject:Group={p}"));
        Assert.Empty(await s.SetAsync($"Observation?subject=Patient/{other}"));
        Assert.Equal([o2], await s.SetAsync("Observation?subject:identifier=urn:oid:1.2.860.1|31203840010015"));
        Assert.Equal([o3], await s.SetAsync("Observation?subject:missing=true"));
    }

    [Fact]
    public async Task Uri_equality_above_below_and_meta_parameters()
    {
        var s = new SearchClient(server);
        var root = "http://example.org/fhir/" + s.Tag;
        string Vs(string url, string meta = "") => $$"""{"resourceType":"ValueSet","url":"{{url}}","status":"active"{{meta}}}""";
        var a = await s.CreateAsync(Vs(root + "/vs/a"));
        var b = await s.CreateAsync(Vs(root + "/vs/a/b", ""","meta":{"profile":["http://hl7.org/fhir/StructureDefinition/shareablevalueset"],"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}],"source":"urn:shifo:feed"}"""));
        var c = await s.CreateAsync(Vs(root + "/other"));
        Assert.Equal([a], await s.SetAsync($"ValueSet?url={root}/vs/a"));
        Assert.Equal([a, b], await s.SetAsync($"ValueSet?url:below={root}/vs"));
        Assert.Equal([a, b], await s.SetAsync($"ValueSet?url:above={root}/vs/a/b/c"));
        Assert.Equal([c], await s.SetAsync($"ValueSet?url:below={root}/oth"));
        Assert.Equal([b], await s.SetAsync("ValueSet?_profile=http://hl7.org/fhir/StructureDefinition/shareablevalueset"));
        Assert.Equal([b], await s.SetAsync("ValueSet?_security=http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R"));
        Assert.Equal([b], await s.SetAsync("ValueSet?_source=urn:shifo:feed"));
        Assert.Equal([a, c], await s.SetAsync("ValueSet?_security:missing=true"));
        // system level: parameters defined on every resource
        Assert.Equal([b], await s.SetAsync("?_source=urn:shifo:feed"));
        Assert.Equal([a, b, c], await s.SetAsync("?_sort=_id"));
    }
}

public sealed class SqliteSearchParameterTypeTests(SqliteServerFixture server) : SearchParameterTypeTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresSearchParameterTypeTests(PostgresServerFixture server) : SearchParameterTypeTests(server), IClassFixture<PostgresServerFixture>;
