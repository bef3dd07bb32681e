using Shifo.Fhir.FhirPath;
using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;

namespace Shifo.Fhir.Tests.FhirPath;

/// <summary>Small resources built inline and helpers to evaluate against them.</summary>
public abstract class FhirPathTestBase
{
    protected static ElementNode Parse(string json)
    {
        var result = FhirJsonParser.Parse(json);
        Assert.False(result.HasErrors, string.Join("; ", result.Issues.Select(i => i.ToString())));
        return result.Resource!;
    }

    protected static readonly ElementNode Patient = Parse("""
        {"resourceType":"Patient","id":"p1","active":true,
         "name":[{"use":"official","family":"Karimov","given":["Shavkat","Olim"]},{"use":"usual","given":["Shava"]}],
         "gender":"male","birthDate":"1974-12-25",
         "_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"1974-12-25T14:35:45-05:00"}]},
         "telecom":[{"system":"phone","value":"+998 71 123"},{"system":"email","value":"a@b.uz"}],
         "contained":[{"resourceType":"Organization","id":"org1","name":"Clinic 1"}],
         "managingOrganization":{"reference":"#org1"}}
        """);

    protected static readonly ElementNode Observation = Parse("""
        {"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},
         "effectiveDateTime":"2024-03-01T10:30:00+05:00",
         "valueQuantity":{"value":185,"unit":"lbs","system":"http://unitsofmeasure.org","code":"[lb_av]"}}
        """);

    protected static IReadOnlyList<object> Eval(string expression, ElementNode? focus = null, EvaluationContext? context = null) =>
        FhirPathCompiler.Compile(expression).Evaluate(focus, context);

    protected static bool? Bool(string expression, ElementNode? focus = null) => FhirPathCompiler.Compile(expression).EvaluateBoolean(focus);

    /// <summary>The single System value of the result (primitive nodes converted).</summary>
    protected static object? Value(string expression, ElementNode? focus = null)
    {
        var r = Eval(expression, focus);
        Assert.True(r.Count <= 1, $"expected at most one item, got {r.Count}");
        return r.Count == 0 ? null : r[0] is ElementNode n ? FhirPathValues.ToSystemValue(n) : r[0];
    }
}
