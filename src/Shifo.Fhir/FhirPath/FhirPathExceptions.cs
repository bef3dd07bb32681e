namespace Shifo.Fhir.FhirPath;

/// <summary>Base of every error the FHIRPath engine raises.</summary>
public class FhirPathException : Exception
{
    public FhirPathException(string message) : base(message) { }
    public FhirPathException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The expression text is not valid FHIRPath. <see cref="Position"/> is the 0-based character offset.</summary>
public sealed class FhirPathSyntaxException : FhirPathException
{
    public FhirPathSyntaxException(int position, string expected, string found)
        : base($"FHIRPath syntax error at position {position}: expected {expected}, found {found}")
    {
        Position = position;
        Expected = expected;
    }

    public int Position { get; }
    /// <summary>What the parser expected at <see cref="Position"/>, e.g. "an expression" or "')'".</summary>
    public string Expected { get; }
}

/// <summary>An error while evaluating: a type error, a collection where a single item is required, an unknown name.</summary>
public sealed class FhirPathEvaluationException : FhirPathException
{
    public FhirPathEvaluationException(string message) : base(message) { }
}
