namespace Shifo.Conformance;

// Placeholder until the FhirPath suite lands on its branch.
public static class FhirPathSuite
{
    public static SuiteResult Run(string dir) => throw new NotSupportedException("FhirPath suite not written yet: " + dir);
}
