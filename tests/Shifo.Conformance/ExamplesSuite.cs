namespace Shifo.Conformance;

// Placeholder until the examples suite lands on its branch.
public static class ExamplesSuite
{
    public static SuiteResult Run(string? packageDir) => throw new NotSupportedException("examples suite not written yet: " + packageDir);
}
