using System.Text.Json.Nodes;
using static Shifo.Fhir.Tests.Validation.SpecExample;

namespace Shifo.Fhir.Tests.Validation;

public class BundleTests
{
    [Fact]
    public void FullUrlMustBeAbsolute()
    {
        var b = Load("Bundle-bundle-transaction.json");
        b["entry"]![0]!["fullUrl"] = "Patient/123";
        AssertError(Validate(b), "invalid", "Bundle.entry[0].fullUrl");
    }

    [Fact]
    public void FullUrlMustAgreeWithTheResourceId()
    {
        var b = Load("Bundle-bundle-example.json");
        var resource = b["entry"]![0]!["resource"]!;
        b["entry"]![0]!["fullUrl"] = $"https://example.com/base/{resource["resourceType"]}/other-id";
        var issue = AssertError(Validate(b), "invalid", "Bundle.entry[0].fullUrl");
        Assert.Contains("does not match", issue.Message);
    }

    [Fact]
    public void MalformedUuidFullUrlIsAnError()
    {
        var b = Load("Bundle-bundle-transaction.json");
        b["entry"]![0]!["fullUrl"] = "urn:uuid:not-a-uuid";
        AssertError(Validate(b), "invalid", "Bundle.entry[0].fullUrl");
    }

    [Fact]
    public void FullUrlsMustBeUnique()
    {
        var b = Load("Bundle-bundle-example.json");
        b["entry"]![1]!["fullUrl"] = b["entry"]![0]!["fullUrl"]!.GetValue<string>();
        var issue = AssertError(Validate(b), "invariant", "Bundle");
        Assert.Contains("bdl-7", issue.Message);
    }

    [Fact]
    public void TransactionEntriesNeedARequest()
    {
        var b = Load("Bundle-bundle-transaction.json");
        b["entry"]![0]!.AsObject().Remove("request");
        var issue = AssertError(Validate(b), "invariant", "Bundle");
        Assert.Contains("bdl-3", issue.Message);
    }

    [Fact]
    public void SearchSetEntriesMayNotCarryARequest()
    {
        var b = Load("Bundle-bundle-example.json");
        b["entry"]![0]!["request"] = new JsonObject { ["method"] = "GET", ["url"] = "Patient/1" };
        var issue = AssertError(Validate(b), "invariant", "Bundle");
        Assert.Contains("bdl-3", issue.Message);
    }

    [Fact]
    public void EachEntryResourceIsValidated()
    {
        var b = Load("Bundle-bundle-transaction.json");
        var entry = b["entry"]!.AsArray().First(e => e!["resource"]?["resourceType"]?.GetValue<string>() == "Patient")!;
        var index = b["entry"]!.AsArray().IndexOf(entry);
        entry["resource"]!["gender"] = "robot";
        AssertError(Validate(b), "code-invalid", $"Bundle.entry[{index}].resource.gender");
    }

    [Fact]
    public void PagingLinksOccurOnce()
    {
        var b = Load("Bundle-bundle-example.json");
        b["link"]!.AsArray().Add(new JsonObject { ["relation"] = "self", ["url"] = "https://example.com/base/MedicationRequest?page=2" });
        AssertError(Validate(b), "invalid", $"Bundle.link[{b["link"]!.AsArray().Count - 1}]");
    }
}
