using System.Text.Json;

namespace Shifo.Conformance;

/// <summary>The minimum pass rate of each conformance run, kept in thresholds.json beside this project.</summary>
public static class Thresholds
{
    public static bool Check(string suite, SuiteResult result)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "thresholds.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var minimum = doc.RootElement.GetProperty(suite).GetDouble();
        var ok = result.Total > 0 && result.Rate >= minimum;
        Console.WriteLine($"{suite}: {result.Rate:P2} pass rate (threshold {minimum:P2}){(ok ? "" : " — BELOW THRESHOLD")}");
        Console.WriteLine($"{result.Passed} passed, {result.Failed} failed");
        return ok;
    }
}
