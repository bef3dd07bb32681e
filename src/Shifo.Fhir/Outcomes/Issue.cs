namespace Shifo.Fhir.Outcomes;

/// <summary>OperationOutcome.issue.severity.</summary>
public enum IssueSeverity
{
    Fatal,
    Error,
    Warning,
    Information,
}

/// <summary>
/// One finding about a resource, shaped as an OperationOutcome issue: severity, an issue-type code
/// (structure, value, required, invariant, code-invalid, ...), a FHIRPath location and a message for a person.
/// </summary>
public sealed record Issue(IssueSeverity Severity, string Code, string? Expression, string Message)
{
    public bool IsError => Severity is IssueSeverity.Error or IssueSeverity.Fatal;

    public static Issue Error(string code, string? expression, string message) => new(IssueSeverity.Error, code, expression, message);
    public static Issue Warning(string code, string? expression, string message) => new(IssueSeverity.Warning, code, expression, message);
    public static Issue Fatal(string code, string? expression, string message) => new(IssueSeverity.Fatal, code, expression, message);
    public static Issue Information(string code, string? expression, string message) => new(IssueSeverity.Information, code, expression, message);

    public override string ToString() =>
        $"{Severity.ToString().ToLowerInvariant()} [{Code}]{(Expression is null ? "" : " " + Expression)}: {Message}";
}
