namespace Shifo.Conformance;

/// <summary>What a conformance run counted. The run prints its own failures as it goes.</summary>
public sealed record SuiteResult(int Passed, int Failed)
{
    public int Total => Passed + Failed;
    public double Rate => Total == 0 ? 0 : (double)Passed / Total;
}
