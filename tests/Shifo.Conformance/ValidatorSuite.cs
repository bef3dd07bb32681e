namespace Shifo.Conformance;

// Placeholder until the Validator suite lands on its branch.
public static class ValidatorSuite
{
    public static SuiteResult Run(string dir) => throw new NotSupportedException("Validator suite not written yet: " + dir);
}
