using Shifo.Fhir.Outcomes;

namespace Shifo.Server.Pipeline;

/// <summary>Why a FHIR interaction could not be done; the HTTP layer maps each kind to its status code.</summary>
public enum ProblemKind
{
    Invalid,
    NotFound,
    Gone,
    Conflict,
    VersionMismatch,
    Unprocessable,
    TooLarge,
    UnsupportedMediaType,
    NotAcceptable,
    MethodNotAllowed,
    NotImplemented,
    Unauthorized,
    Forbidden,
    TooManyRequests,
}

/// <summary>A refused interaction with the issues to report in its OperationOutcome.</summary>
public sealed class FhirProblem(ProblemKind kind, IReadOnlyList<Issue> issues)
    : Exception(issues.Count > 0 ? issues[0].Message : kind.ToString())
{
    public ProblemKind Kind { get; } = kind;
    public IReadOnlyList<Issue> Issues { get; } = issues;

    public static FhirProblem Of(ProblemKind kind, string code, string message) =>
        new(kind, [Issue.Error(code, null, message)]);
}
