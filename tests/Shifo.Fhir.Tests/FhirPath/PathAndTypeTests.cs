using Shifo.Fhir.FhirPath;
using Shifo.Fhir.Model;

namespace Shifo.Fhir.Tests.FhirPath;

public class PathAndTypeTests : FhirPathTestBase
{
    [Fact]
    public void Paths_with_and_without_the_type_name()
    {
        Assert.Equal(3, Eval("Patient.name.given", Patient).Count);
        Assert.Equal(3, Eval("name.given", Patient).Count);
        Assert.Equal("Karimov", Value("name.where(use = 'official').family", Patient));
        Assert.Equal("Shava", Value("name[1].given", Patient));
        Assert.Empty(Eval("name[5]", Patient));
    }

    [Fact]
    public void Choice_types_are_reached_by_their_base_name()
    {
        Assert.Equal(185m, Value("Observation.value.value", Observation));
        Assert.Equal("lbs", Value("(Observation.value as Quantity).unit", Observation));
        Assert.Equal("lbs", Value("Observation.value.ofType(Quantity).unit", Observation));
        Assert.Empty(Eval("Observation.value.as(Period).start", Observation));
        Assert.True(Bool("Observation.value is Quantity", Observation));
        Assert.False(Bool("Observation.value.is(Period)", Observation));
        Assert.True(Bool("Observation.effective is dateTime", Observation));
    }

    [Fact]
    public void Unknown_element_names_are_errors_in_strict_mode()
    {
        var strict = new EvaluationContext { StrictNames = true };
        var ex = Assert.Throws<FhirPathEvaluationException>(() => Eval("name.given1", Patient, strict));
        Assert.Contains("given1", ex.Message);
        // valueQuantity is JSON, not FHIRPath: the element is 'value'
        Assert.Throws<FhirPathEvaluationException>(() => Eval("Observation.valueQuantity", Observation, strict));
        // another resource type's name is simply empty (search parameters union several types)
        Assert.Empty(Eval("Practitioner.name", Patient, strict));
        // by default (as the validator runs official invariants) an unknown name is just empty
        Assert.Empty(Eval("name.given1", Patient));
    }

    [Fact]
    public void Type_hierarchy_comes_from_the_definitions()
    {
        Assert.True(Bool("Patient is DomainResource", Patient));
        Assert.True(Bool("Patient.is(Resource)", Patient));
        Assert.False(Bool("Patient is Observation", Patient));
        Assert.True(Bool("Patient.gender.is(code)", Patient));
        Assert.True(Bool("Patient.gender.is(string)", Patient)); // code specializes string
        Assert.Empty(Eval("Patient.gender.as(string)", Patient)); // but as() wants the exact primitive type
        Assert.True(Bool("Patient.active.is(FHIR.boolean)", Patient));
        Assert.False(Bool("Patient.active.is(System.Boolean)", Patient));
        Assert.True(Bool("true is System.Boolean", null));
        Assert.Equal("Patient", Value("Patient.type().name", Patient));
        Assert.Equal("System", Value("1.type().namespace", null));
    }

    [Fact]
    public void Unknown_type_names_are_rejected_at_compile_time()
    {
        var ex = Assert.Throws<FhirPathSyntaxException>(() => FhirPathCompiler.Compile("gender.as(string1)"));
        Assert.Equal(10, ex.Position);
    }

    [Fact]
    public void As_function_filters_collections_as_dom3_needs()
    {
        Assert.Equal(3, Eval("name.given.as(string)", Patient).Count);
        Assert.Throws<FhirPathEvaluationException>(() => Eval("name.given as string", Patient));
    }

    [Fact]
    public void Tree_navigation()
    {
        Assert.True((long)Value("children().count()", Patient)! > 5);
        Assert.Contains(Eval("descendants()", Patient), x => x is ElementNode { Name: "family" });
        Assert.Equal(2L, Value("telecom.children().where($this.is(code)).count()", Patient));
    }

    [Fact]
    public void Primitive_extensions_hasValue_and_getValue()
    {
        Assert.True(Bool("birthDate.hasValue()", Patient));
        Assert.True(Bool("birthDate.extension('http://hl7.org/fhir/StructureDefinition/patient-birthTime').exists()", Patient));
        Assert.True(Bool("birthDate.extension(%`ext-patient-birthTime`).value is dateTime", Patient));
        Assert.False(Bool("name.hasValue()", Patient));
        Assert.IsType<FhirPathDate>(Value("birthDate.getValue()", Patient));
        Assert.Equal("1974-12-25", Value("birthDate.getValue()", Patient)!.ToString());
    }

    [Fact]
    public void Primitive_nodes_convert_to_system_values()
    {
        var birthDate = Patient.Child("birthDate")!;
        Assert.IsType<FhirPathDate>(FhirPathValues.ToSystemValue(birthDate));
        Assert.Equal(true, FhirPathValues.ToSystemValue(Patient.Child("active")!));
        Assert.Equal("male", FhirPathValues.ToSystemValue(Patient.Child("gender")!));
        Assert.Null(FhirPathValues.ToSystemValue(Patient.Child("name")!));
    }

    [Fact]
    public void Environment_variables()
    {
        Assert.Equal("http://unitsofmeasure.org", Value("%ucum"));
        Assert.Equal("http://snomed.info/sct", Value("%sct"));
        Assert.Equal("http://loinc.org", Value("%loinc"));
        Assert.Equal("http://hl7.org/fhir/ValueSet/administrative-gender", Value("%`vs-administrative-gender`"));
        Assert.Same(Patient, Eval("%resource", Patient)[0]);
        Assert.Same(Patient, Eval("%rootResource", Patient)[0]);
        var name = Patient.Child("name")!;
        Assert.Same(name, Eval("%context", name)[0]);
        Assert.Same(Patient, Eval("%resource", name)[0]);
        var ctx = new EvaluationContext();
        ctx.Variables["limit"] = 2L;
        Assert.Equal(true, FhirPathCompiler.Compile("name.given.count() > %limit").EvaluateBoolean(Patient, ctx));
        Assert.Throws<FhirPathEvaluationException>(() => Eval("%nothing", Patient));
    }
}
