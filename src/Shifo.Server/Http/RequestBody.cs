using Microsoft.Extensions.Options;
using Shifo.Server.Hosting;
using Shifo.Server.Pipeline;

namespace Shifo.Server.Http;

/// <summary>Reads a request body: FHIR JSON content types only (else 415), never more than the configured limit (else 413).</summary>
public sealed class RequestBody(IOptions<ServerOptions> options)
{
    public async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        RequireJson(request);
        return await ReadBytesAsync(request, ct);
    }

    /// <summary>A PATCH body: FHIR JSON (FHIRPath Patch) or application/json-patch+json (JSON Patch); true for the latter.</summary>
    public async Task<(ReadOnlyMemory<byte> Body, bool IsJsonPatch)> ReadPatchAsync(HttpRequest request, CancellationToken ct)
    {
        var isJsonPatch = request.ContentType?.Split(';')[0].Trim().Equals("application/json-patch+json", StringComparison.OrdinalIgnoreCase) == true;
        if (!isJsonPatch) RequireJson(request);
        return (await ReadBytesAsync(request, ct), isJsonPatch);
    }

    private async Task<ReadOnlyMemory<byte>> ReadBytesAsync(HttpRequest request, CancellationToken ct)
    {
        var limit = options.Value.MaxBodyBytes;
        if (request.ContentLength > limit) throw TooLarge(limit);
        using var buffer = new MemoryStream(request.ContentLength is > 0 and < 1 << 20 ? (int)request.ContentLength.Value : 4096);
        var chunk = new byte[16384];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) throw TooLarge(limit);
            buffer.Write(chunk, 0, read);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static FhirProblem TooLarge(long limit) =>
        FhirProblem.Of(ProblemKind.TooLarge, "too-costly", $"The request body is larger than this server accepts ({limit} bytes).");

    private static void RequireJson(HttpRequest request)
    {
        var contentType = request.ContentType;
        var media = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (media is FhirFormat.FhirJson or "application/json" or "application/json+fhir") return;
        throw FhirProblem.Of(ProblemKind.UnsupportedMediaType, "not-supported",
            contentType is null
                ? "The request has no Content-Type: send FHIR JSON as application/fhir+json."
                : $"Content-Type '{ResourceIdentity.Truncate(contentType)}' is not supported: send FHIR JSON as application/fhir+json.");
    }
}
