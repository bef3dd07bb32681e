using System.Text;
using System.Text.Json.Nodes;
using Shifo.Fhir.Serialization;
using Shifo.Server.Security.Enforcement;
using Shifo.Storage.Model;
using Shifo.Testing;

namespace Shifo.Server.Tests.Security;

/// <summary>
/// Whose data a stored resource is, read straight from its JSON for types whose compartment expressions are plain
/// paths: the same answer as evaluating the FHIRPath on the parsed resource, for every example of the specification.
/// </summary>
public sealed class EnforcementCompartmentTests
{
    private readonly PatientCompartment _compartment = new();

    [Fact]
    public void Stored_json_gives_the_same_patients_as_the_fhirpath_for_every_spec_example()
    {
        var compared = 0;
        var withPatients = 0;
        var fastTypes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in TestPaths.SpecExampleFiles())
        {
            JsonNode? root;
            try { root = JsonNode.Parse(File.ReadAllBytes(file)); }
            catch (System.Text.Json.JsonException) { continue; }
            foreach (var resource in ResourcesIn(root))
            {
                var type = (string?)resource["resourceType"];
                if (type is null || type == "Patient" || !_compartment.IsPatientData(type)) continue;
                var json = Encoding.UTF8.GetBytes(resource.ToJsonString());
                var parsed = FhirJsonParser.Parse(json).Resource;
                if (parsed is null) continue;
                var expected = _compartment.PatientsOf(parsed).Order(StringComparer.Ordinal).ToArray();
                var stored = new StoredResource(type, (string?)resource["id"] ?? "x", 1, DateTimeOffset.UtcNow.AddTicks(compared), ChangeKind.Create, json);
                Assert.True(expected.SequenceEqual(_compartment.PatientsOf(stored).Order(StringComparer.Ordinal)),
                    $"{Path.GetFileName(file)} {type}/{resource["id"]}: FHIRPath says [{string.Join(", ", expected)}]");
                if (_compartment.JsonPathsFor(type) is not null) fastTypes.Add(type);
                compared++;
                if (expected.Length > 0) withPatients++;
            }
        }
        Assert.True(compared > 500, $"only {compared} examples compared");
        Assert.True(withPatients > 200, $"only {withPatients} examples name a patient");
        // the hot types take the JSON path
        foreach (var type in new[] { "Observation", "Encounter", "Condition", "MedicationRequest", "Consent", "CareTeam", "EpisodeOfCare" })
            Assert.Contains(type, fastTypes);
    }

    [Fact]
    public void References_are_read_as_the_fhirpath_reads_them()
    {
        var paths = _compartment.JsonPathsFor("Observation")!;
        string[] Of(string json) => PatientCompartment.PatientsOfJson(Encoding.UTF8.GetBytes(json), paths).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["1"], Of("""{"resourceType":"Observation","subject":{"reference":"Patient/1"}}"""));
        Assert.Equal(["1", "2"], Of("""{"resourceType":"Observation","subject":{"reference":"https://node/fhir/Patient/1/_history/3"},"performer":[{"reference":"Practitioner/9"},{"reference":"Patient/2"}]}"""));
        // a declared type other than Patient, a contained reference, a group: nobody's
        Assert.Empty(Of("""{"resourceType":"Observation","subject":{"reference":"Patient/1","type":"Group"},"performer":[{"reference":"#p"}]}"""));
        Assert.Empty(Of("""{"resourceType":"Observation","subject":{"reference":"Group/1"},"contained":[{"resourceType":"Observation","subject":{"reference":"Patient/5"}}]}"""));
    }

    private static IEnumerable<JsonObject> ResourcesIn(JsonNode? node)
    {
        if (node is not JsonObject resource) yield break;
        yield return resource;
        if ((string?)resource["resourceType"] == "Bundle")
            foreach (var entry in resource["entry"]?.AsArray() ?? [])
                foreach (var inner in ResourcesIn(entry?["resource"]))
                    yield return inner;
    }
}
