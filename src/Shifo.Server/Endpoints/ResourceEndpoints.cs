using Microsoft.AspNetCore.WebUtilities;
using Shifo.Server.Http;
using Shifo.Server.Pipeline;
using Shifo.Storage;
using Shifo.Storage.Model;

namespace Shifo.Server.Endpoints;

/// <summary>read, vread, create, update and delete: HTTP in and out, the pipelines do the rest.</summary>
public static class ResourceEndpoints
{
    public static async Task Read(HttpContext context, string type, string id, ReadPipeline reads)
    {
        FhirFormat.Negotiate(context.Request);
        var stored = await reads.ReadAsync(type, id, context.RequestAborted);
        if (ConditionalHeaders.IsNotModified(context.Request, stored))
        {
            FhirResponses.SetVersionHeaders(context.Response, stored);
            await FhirResponses.WriteEmptyAsync(context, StatusCodes.Status304NotModified);
            return;
        }
        await FhirResponses.WriteResourceAsync(context, stored, StatusCodes.Status200OK);
    }

    public static async Task VRead(HttpContext context, string type, string id, string version, ReadPipeline reads)
    {
        FhirFormat.Negotiate(context.Request);
        var stored = await reads.ReadVersionAsync(type, id, version, context.RequestAborted);
        await FhirResponses.WriteResourceAsync(context, stored, StatusCodes.Status200OK);
    }

    public static async Task Create(HttpContext context, string type, WritePipeline writes, RequestBody body, IResourceStore store, ScopedWrites scoped)
    {
        FhirFormat.Negotiate(context.Request);
        var bytes = await body.ReadAsync(context.Request, context.RequestAborted);
        if (context.Request.Headers.TryGetValue("If-None-Exist", out var condition))
        {
            var criteria = SearchEndpoints.Criteria(QueryHelpers.ParseQuery(condition.ToString().TrimStart('?'))
                .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))));
            await ConditionalEndpoints.CreateIfNoneExist(context, type, criteria, bytes, store, scoped);
            return;
        }
        var stored = await writes.CreateAsync(type, bytes, context.RequestAborted);
        context.Response.Headers.Location = FhirResponses.VersionUrl(context.Request, stored);
        await FhirResponses.WriteWriteResultAsync(context, stored, StatusCodes.Status201Created, $"Created {type}/{stored.Id}.");
    }

    public static async Task Update(HttpContext context, string type, string id, WritePipeline writes, RequestBody body)
    {
        FhirFormat.Negotiate(context.Request);
        var expected = ConditionalHeaders.IfMatchVersion(context.Request);
        var bytes = await body.ReadAsync(context.Request, context.RequestAborted);
        var result = await writes.UpdateAsync(type, id, bytes, expected, context.RequestAborted);
        if (result.Created) context.Response.Headers.Location = FhirResponses.VersionUrl(context.Request, result.Resource);
        await FhirResponses.WriteWriteResultAsync(context, result.Resource,
            result.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK,
            result.Created ? $"Created {type}/{id}." : $"Updated {type}/{id} to version {result.Resource.VersionId}.");
    }

    public static async Task Delete(HttpContext context, string type, string id, WritePipeline writes)
    {
        FhirFormat.Negotiate(context.Request);
        var expected = ConditionalHeaders.IfMatchVersion(context.Request);
        var result = await writes.DeleteAsync(type, id, expected, context.RequestAborted);
        switch (result.Status)
        {
            case DeleteStatus.NotFound:
                throw FhirProblem.Of(ProblemKind.NotFound, "not-found", $"{type}/{id} does not exist.");
            case DeleteStatus.AlreadyDeleted:
                // deleting again changes nothing and is not an error
                await FhirResponses.WriteEmptyAsync(context, StatusCodes.Status204NoContent);
                return;
            default:
                context.Response.Headers.ETag = result.Version!.ETag;
                if (Prefer.Return(context.Request) == ReturnPreference.OperationOutcome)
                    await FhirResponses.WriteOutcomeAsync(context, StatusCodes.Status200OK,
                        [Fhir.Outcomes.Issue.Information("informational", null, $"Deleted {type}/{id} (version {result.Version.VersionId}).")]);
                else
                    await FhirResponses.WriteEmptyAsync(context, StatusCodes.Status204NoContent);
                return;
        }
    }
}
