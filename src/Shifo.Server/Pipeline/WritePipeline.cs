using Shifo.Fhir.Model;
using Shifo.Fhir.Outcomes;
using Shifo.Fhir.Validation;
using Shifo.Storage;
using Shifo.Storage.Model;

namespace Shifo.Server.Pipeline;

/// <summary>
/// The one way resources are written: parse → validate → (module rules, later) → persist in one transaction.
/// Nothing is stored unless every step passes. Independent of HTTP: failures are <see cref="FhirProblem"/>s.
/// </summary>
public sealed class WritePipeline(IResourceStore store, FhirValidator validator)
{
    public async Task<StoredResource> CreateAsync(string type, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        ResourceIdentity.RequireType(type);
        var resource = ParseAndValidate(type, body.Span);
        // the server assigns the id of a created resource; a client's id is replaced (FHIR create semantics)
        try
        {
            return await store.CreateAsync(resource, ct);
        }
        catch (ConcurrentWriteException ex)
        {
            throw FhirProblem.Of(ProblemKind.Conflict, "conflict", ex.Message);
        }
    }

    public async Task<UpdateResult> UpdateAsync(string type, string id, ReadOnlyMemory<byte> body, long? expectedVersion, CancellationToken ct)
    {
        ResourceIdentity.RequireType(type);
        AuditEventRules.RefuseChange(type, "update");
        ResourceIdentity.RequireId(id);
        var resource = ParseAndValidate(type, body.Span);
        var bodyId = resource.Child("id")?.Value;
        if (bodyId is null)
            throw FhirProblem.Of(ProblemKind.Invalid, "required", "An update needs the resource's id in the body, equal to the id in the URL.");
        if (bodyId != id)
            throw FhirProblem.Of(ProblemKind.Invalid, "invalid", $"The id in the body ('{ResourceIdentity.Truncate(bodyId)}') differs from the id in the URL ('{id}').");
        try
        {
            return await store.UpdateAsync(resource, expectedVersion, ct);
        }
        catch (VersionConflictException ex)
        {
            throw FhirProblem.Of(ProblemKind.VersionMismatch, "conflict", ex.Message);
        }
        catch (ConcurrentWriteException ex)
        {
            throw FhirProblem.Of(ProblemKind.Conflict, "conflict", ex.Message);
        }
    }

    public async Task<DeleteResult> DeleteAsync(string type, string id, long? expectedVersion, CancellationToken ct)
    {
        ResourceIdentity.RequireType(type);
        AuditEventRules.RefuseChange(type, "delete");
        ResourceIdentity.RequireId(id);
        try
        {
            return await store.DeleteAsync(type, id, expectedVersion, ct);
        }
        catch (VersionConflictException ex)
        {
            throw FhirProblem.Of(ProblemKind.VersionMismatch, "conflict", ex.Message);
        }
        catch (ConcurrentWriteException ex)
        {
            throw FhirProblem.Of(ProblemKind.Conflict, "conflict", ex.Message);
        }
    }

    /// <summary>
    /// The parse and validate steps: unreadable input (not JSON, nested too deep, not a resource) is a 400-kind
    /// problem, a resource of another type than the URL says too, and a readable but invalid resource a 422-kind one.
    /// </summary>
    public ElementNode ParseAndValidate(string type, ReadOnlySpan<byte> body)
    {
        var result = Validate(body);
        if (result.Resource is null) throw new FhirProblem(ProblemKind.Invalid, Errors(result.Issues));
        if (result.Resource.TypeName != type)
            throw FhirProblem.Of(ProblemKind.Invalid, "invalid", $"The body is a {result.Resource.TypeName}, but the URL is for {type}.");
        if (!result.IsValid) throw new FhirProblem(ProblemKind.Unprocessable, result.Issues);
        return result.Resource;
    }

    /// <summary>Parse and validate only, for $validate; an empty body is a 400-kind problem.</summary>
    public ValidationResult Validate(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
            throw FhirProblem.Of(ProblemKind.Invalid, "required", "The request has no body: expected a FHIR resource in JSON.");
        return validator.Validate(body);
    }

    private static IReadOnlyList<Issue> Errors(IReadOnlyList<Issue> issues) =>
        issues.Count > 0 ? issues : [Issue.Error("structure", null, "The body is not a FHIR resource.")];
}
