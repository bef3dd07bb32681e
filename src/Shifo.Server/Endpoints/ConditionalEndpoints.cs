using System.Text.Json;
using System.Text.Json.Nodes;
using Shifo.Server.Http;
using Shifo.Server.Patch;
using Shifo.Server.Pipeline;
using Shifo.Storage;

namespace Shifo.Server.Endpoints;

/// <summary>
/// Conditional create (POST with If-None-Exist), conditional update (PUT [type]?criteria), conditional delete (DELETE [type]?criteria), and patch by id or
/// criteria (PATCH, JSON Patch or FHIRPath Patch). Each runs in one write scope: the search deciding the target and the write commit together.
/// </summary>
public static class ConditionalEndpoints
{
    public static async Task Update(HttpContext context, string type, IResourceStore store, ScopedWrites writes, RequestBody body)
    {
        FhirFormat.Negotiate(context.Request);
        var ifMatch = ConditionalHeaders.IfMatchVersion(context.Request);
        var json = ParseObject((await body.ReadAsync(context.Request, context.RequestAborted)).Span);
        var outcome = await InScope(store, context, s => writes.UpdateAsync(s, type, null, Criteria(context), json, ifMatch, context.RequestAborted));
        await WriteAsync(context, outcome);
    }

    /// <summary>Conditional create (POST with If-None-Exist): the search and the create commit together, serialized on the criteria.</summary>
    public static async Task CreateIfNoneExist(HttpContext context, string type, IReadOnlyList<Storage.Search.SearchParameter> criteria, ReadOnlyMemory<byte> body,
        IResourceStore store, ScopedWrites writes)
    {
        var json = ParseObject(body.Span);
        var outcome = await InScope(store, context, s => writes.CreateAsync(s, type, json, null, criteria, context.RequestAborted));
        await WriteAsync(context, outcome);
    }

    public static async Task Delete(HttpContext context, string type, IResourceStore store, ScopedWrites writes)
    {
        FhirFormat.Negotiate(context.Request);
        var outcome = await InScope(store, context, s => writes.DeleteAsync(s, type, null, Criteria(context), null, context.RequestAborted));
        if (outcome.Resource is { } deleted) context.Response.Headers.ETag = deleted.ETag;
        if (Prefer.Return(context.Request) == ReturnPreference.OperationOutcome)
            await FhirResponses.WriteOutcomeAsync(context, StatusCodes.Status200OK, [Fhir.Outcomes.Issue.Information("informational", null, outcome.Message)]);
        else
            await FhirResponses.WriteEmptyAsync(context, StatusCodes.Status204NoContent);
    }

    public static Task PatchInstance(HttpContext context, string type, string id, IResourceStore store, ScopedWrites writes, RequestBody body) =>
        Patch(context, type, id, store, writes, body);

    public static Task PatchType(HttpContext context, string type, IResourceStore store, ScopedWrites writes, RequestBody body) =>
        Patch(context, type, null, store, writes, body);

    private static async Task Patch(HttpContext context, string type, string? id, IResourceStore store, ScopedWrites writes, RequestBody body)
    {
        FhirFormat.Negotiate(context.Request);
        var ifMatch = ConditionalHeaders.IfMatchVersion(context.Request);
        var (bytes, isJsonPatch) = await body.ReadPatchAsync(context.Request, context.RequestAborted);
        IResourcePatch patch = isJsonPatch ? JsonPatch.Parse(bytes.Span) : FhirPathPatch.Parse(ParseObject(bytes.Span));
        var criteria = id is null ? Criteria(context) : null;
        var outcome = await InScope(store, context, s => writes.PatchAsync(s, type, id, criteria, patch, ifMatch, context.RequestAborted));
        await WriteAsync(context, outcome);
    }

    private static async Task<InteractionOutcome> InScope(IResourceStore store, HttpContext context, Func<IWriteScope, Task<InteractionOutcome>> work)
    {
        await using var scope = await store.BeginWriteScopeAsync(context.RequestAborted);
        var outcome = await work(scope);
        await scope.CommitAsync(context.RequestAborted);
        return outcome;
    }

    private static async Task WriteAsync(HttpContext context, InteractionOutcome outcome)
    {
        if (outcome.Status == StatusCodes.Status201Created) context.Response.Headers.Location = FhirResponses.VersionUrl(context.Request, outcome.Resource!);
        await FhirResponses.WriteWriteResultAsync(context, outcome.Resource!, outcome.Status, outcome.Message);
    }

    private static List<Storage.Search.SearchParameter> Criteria(HttpContext context) => SearchEndpoints.Criteria(QueryText.Pairs(context.Request));

    private static JsonObject ParseObject(ReadOnlySpan<byte> bytes)
    {
        try
        {
            if (JsonNode.Parse(bytes) is JsonObject o) return o;
        }
        catch (JsonException)
        {
        }
        throw FhirProblem.Of(ProblemKind.Invalid, "structure", "The body is not a FHIR resource in JSON.");
    }
}
