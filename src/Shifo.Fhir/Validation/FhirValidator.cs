using Shifo.Fhir.Definitions;
using Shifo.Fhir.Model;
using Shifo.Fhir.Outcomes;
using Shifo.Fhir.Serialization;

namespace Shifo.Fhir.Validation;

/// <summary>
/// Validates FHIR R4 resources against the base definitions of the official package: structure (from the
/// parser), cardinality, primitive formats, required bindings, references, extensions, Bundle rules and
/// the invariants of the element definitions. Thread-safe; one instance can serve a whole process.
/// </summary>
public sealed class FhirValidator
{
    private readonly FhirDefinitions _defs;
    private readonly PlanCache _plans;

    public FhirValidator(FhirDefinitions? definitions = null)
    {
        _defs = definitions ?? FhirDefinitions.R4;
        _plans = PlanCache.For(_defs);
    }

    /// <summary>Parses and validates in one go; the parser's structural issues come first.</summary>
    public ValidationResult Validate(ReadOnlySpan<byte> utf8Json) => Validated(FhirJsonParser.Parse(utf8Json, _defs));

    /// <summary>
    /// Parses and validates a document the caller hands over: the resource keeps slices of the array rather than
    /// copies of its long text (see <see cref="FhirJsonParser.Parse(byte[], FhirDefinitions?)"/>), so it must never change afterwards.
    /// </summary>
    public ValidationResult Validate(byte[] utf8Json) => Validated(FhirJsonParser.Parse(utf8Json, _defs));

    private ValidationResult Validated(ParseResult parsed)
    {
        var issues = parsed.Issues;
        if (parsed.Resource is not null)
            new ValidationWalker(_defs, _plans, issues).ValidateResource(parsed.Resource);
        return new ValidationResult(parsed.Resource, issues);
    }

    /// <summary>Validates an already parsed resource (structural issues of parsing are not repeated).</summary>
    public ValidationResult Validate(ElementNode resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var issues = new List<Issue>();
        if (!resource.IsResource || !_defs.IsResourceType(resource.TypeName))
            issues.Add(Issue.Fatal("structure", null, $"'{resource.TypeName}' is not a FHIR resource type."));
        else
            new ValidationWalker(_defs, _plans, issues).ValidateResource(resource);
        return new ValidationResult(resource, issues);
    }
}
