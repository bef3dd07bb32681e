namespace Shifo.Testing;

/// <summary>Where the tests find the official FHIR package and the external test data.</summary>
public static class TestPaths
{
    /// <summary>The repository root (the folder holding Shifo.slnx).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The unpacked hl7.fhir.r4.examples package (scripts/fetch-fhir-package.sh), or SHIFO_FHIR_PACKAGE.</summary>
    public static string SpecPackage =>
        Environment.GetEnvironmentVariable("SHIFO_FHIR_PACKAGE") is { Length: > 0 } p
            ? p
            : Path.Combine(RepoRoot, ".fhir-packages", "hl7.fhir.r4.examples@4.0.1");

    /// <summary>../shared/testdata beside the repository, or SHIFO_TESTDATA.</summary>
    public static string TestData =>
        Environment.GetEnvironmentVariable("SHIFO_TESTDATA") is { Length: > 0 } p
            ? p
            : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "testdata"));

    /// <summary>Every example resource file of the spec package (definitions bundles included: they are examples too).</summary>
    public static IEnumerable<string> SpecExampleFiles()
    {
        if (!Directory.Exists(SpecPackage))
            throw new DirectoryNotFoundException(
                $"The FHIR package is not at {SpecPackage}: run scripts/fetch-fhir-package.sh first.");
        return Directory.EnumerateFiles(SpecPackage, "*.json")
            .Where(f => Path.GetFileName(f) is not ("package.json" or ".index.json" or "ig-r4.json"))
            .Order(StringComparer.Ordinal);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Shifo.slnx"))) return dir.FullName;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Shifo.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (Shifo.slnx) above " + AppContext.BaseDirectory);
    }
}
