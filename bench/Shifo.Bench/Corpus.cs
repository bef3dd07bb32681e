using Shifo.Testing;

namespace Shifo.Bench;

/// <summary>The resources a benchmark runs over, read into memory up front so that no file I/O is measured.</summary>
public static class Corpus
{
    /// <summary>Typical clinical resources: every Patient, Observation, Condition and MedicationRequest spec example.</summary>
    public const string Clinical = "clinical";
    /// <summary>Every example file of the spec package, the large definition bundles included.</summary>
    public const string AllExamples = "all-examples";

    private static readonly string[] ClinicalTypes = ["Patient", "Observation", "Condition", "MedicationRequest"];

    public static IReadOnlyList<byte[]> Load(string name)
    {
        var files = TestPaths.SpecExampleFiles();
        if (name == Clinical)
            files = files.Where(f => ClinicalTypes.Any(t => Path.GetFileName(f).StartsWith(t + "-", StringComparison.Ordinal)));
        else if (name != AllExamples)
            throw new ArgumentException($"unknown corpus '{name}'");
        return files.Select(File.ReadAllBytes).ToArray();
    }
}
