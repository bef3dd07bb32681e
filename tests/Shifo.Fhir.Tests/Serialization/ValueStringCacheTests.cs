using System.Text;
using Shifo.Fhir.Serialization;

namespace Shifo.Fhir.Tests.Serialization;

/// <summary>A short value read again gets the string read before; anything else gets its own, with the right text.</summary>
public class ValueStringCacheTests
{
    [Fact]
    public void AValueReadAgainSharesItsString()
    {
        var first = FhirJsonParser.Parse("""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]}}""").Resource!;
        var second = FhirJsonParser.Parse("""{"resourceType":"Observation","status":"final","valueQuantity":{"value":8480,"system":"http://loinc.org"}}""").Resource!;
        Assert.Same(first.Child("status")!.Value, second.Child("status")!.Value);
        Assert.Same(first.Child("code")!.Child("coding")!.Child("system")!.Value, second.Child("value")!.Child("system")!.Value);
        Assert.Equal("8480", second.Child("value")!.Child("value")!.Value);
    }

    [Fact]
    public void EscapedAndLongValuesAreReadAsWritten()
    {
        var longText = new string('x', 200);
        var patient = FhirJsonParser.Parse($$"""{"resourceType":"Patient","id":"a\u0062c","gender":"male","name":[{"text":"{{longText}}","family":"abc"}]}""").Resource!;
        Assert.Equal("abc", patient.Child("id")!.Value);
        Assert.Equal("abc", patient.Child("name")!.Child("family")!.Value);
        Assert.Equal(longText, patient.Child("name")!.Child("text")!.Value);
    }

    [Fact]
    public void ACacheSlotAnswersOnlyForTheBytesItHolds()
    {
        var cache = new ValueStringCache();
        var values = Enumerable.Range(0, 5000).Select(i => "v" + i).ToArray();
        foreach (var v in values) cache.Store(Encoding.UTF8.GetBytes(v), v);
        // every slot now holds some later value: a lookup finds its own text or nothing, never another's
        foreach (var v in values)
            if (cache.Find(Encoding.UTF8.GetBytes(v)) is { } found) Assert.Equal(v, found);
        Assert.Same(values[^1], cache.Find(Encoding.UTF8.GetBytes(values[^1])));
        Assert.Null(cache.Find(Encoding.UTF8.GetBytes(new string('y', 49))));
        Assert.Null(cache.Find(""u8));
    }
}
