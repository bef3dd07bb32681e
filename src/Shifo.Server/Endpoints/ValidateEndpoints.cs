using System.Text.Json;
using Shifo.Fhir.Outcomes;
using Shifo.Server.Http;
using Shifo.Server.Pipeline;

namespace Shifo.Server.Endpoints;

/// <summary>
/// $validate at type and instance level. The answer is 200 with the OperationOutcome whether or not the resource is
/// valid (the spec's rule); unreadable input is a 400. The body is the resource or a Parameters with a "resource" part.
/// </summary>
public static class ValidateEndpoints
{
    public static async Task Type(HttpContext context, string type, WritePipeline writes, RequestBody body)
    {
        FhirFormat.Negotiate(context.Request);
        ResourceIdentity.RequireType(type);
        var bytes = Unwrap(await body.ReadAsync(context.Request, context.RequestAborted));
        await Answer(context, type, null, writes, bytes);
    }

    public static async Task Instance(HttpContext context, string type, string id, WritePipeline writes, ReadPipeline reads, RequestBody body)
    {
        FhirFormat.Negotiate(context.Request);
        ResourceIdentity.RequireType(type);
        ResourceIdentity.RequireId(id);
        ReadOnlyMemory<byte> bytes;
        if (context.Request.ContentLength is null or 0 && context.Request.ContentType is null)
            bytes = (await reads.ReadAsync(type, id, context.RequestAborted)).Json; // validate what is stored
        else
            bytes = Unwrap(await body.ReadAsync(context.Request, context.RequestAborted));
        await Answer(context, type, id, writes, bytes);
    }

    private static async Task Answer(HttpContext context, string type, string? id, WritePipeline writes, ReadOnlyMemory<byte> bytes)
    {
        var result = writes.Validate(bytes.Span);
        if (result.Resource is null) throw new FhirProblem(ProblemKind.Invalid, result.Issues);
        var issues = result.Issues.ToList();
        if (result.Resource.TypeName != type)
            issues.Add(Issue.Error("invalid", null, $"The resource is a {result.Resource.TypeName}, but the URL is for {type}."));
        if (id is not null && result.Resource.Child("id")?.Value is { } bodyId && bodyId != id)
            issues.Add(Issue.Error("invalid", null, $"The resource's id '{ResourceIdentity.Truncate(bodyId)}' differs from the URL's '{id}'."));
        await FhirResponses.WriteOutcomeAsync(context, StatusCodes.Status200OK, issues);
    }

    /// <summary>The resource inside a Parameters body ("resource" part), or the body itself.</summary>
    private static ReadOnlyMemory<byte> Unwrap(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = Fhir.Serialization.FhirJsonParser.MaxDepth });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("resourceType", out var rt) || rt.ValueKind != JsonValueKind.String
                || rt.GetString() != "Parameters" || !root.TryGetProperty("parameter", out var parameters) || parameters.ValueKind != JsonValueKind.Array)
                return body;
            foreach (var p in parameters.EnumerateArray())
                if (p.ValueKind == JsonValueKind.Object && p.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                    && name.GetString() == "resource" && p.TryGetProperty("resource", out var resource))
                    return JsonSerializer.SerializeToUtf8Bytes(resource);
            return body;
        }
        catch (JsonException)
        {
            // the validator reports the syntax error with its position
            return body;
        }
    }
}
