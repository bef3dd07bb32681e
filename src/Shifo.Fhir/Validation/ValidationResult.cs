using Shifo.Fhir.Model;
using Shifo.Fhir.Outcomes;

namespace Shifo.Fhir.Validation;

/// <summary>What validating one resource found: the parsed tree (null when unreadable) and the issues.</summary>
public sealed class ValidationResult
{
    internal ValidationResult(ElementNode? resource, IReadOnlyList<Issue> issues)
    {
        Resource = resource;
        Issues = issues;
        var valid = resource is not null;
        foreach (var issue in issues)
            if (issue.IsError) { valid = false; break; }
        IsValid = valid;
    }

    public ElementNode? Resource { get; }
    public IReadOnlyList<Issue> Issues { get; }

    /// <summary>True when there is a resource and no error or fatal issue.</summary>
    public bool IsValid { get; }

    public string ToOperationOutcomeJson(bool indented = false) => OperationOutcome.ToJson(Issues, indented);
}
