using System.Globalization;
using System.Text.Json;
using Shifo.Fhir.Outcomes;
using Shifo.Storage.Model;

namespace Shifo.Server.Http;

/// <summary>Writes FHIR JSON responses: stored resources as stored (re-indented for _pretty), OperationOutcomes, version headers.</summary>
public static class FhirResponses
{
    public static void SetVersionHeaders(HttpResponse response, StoredResource stored)
    {
        response.Headers.ETag = stored.ETag;
        response.Headers.LastModified = stored.LastUpdated.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>The absolute URL of the FHIR base of this request, e.g. http://localhost:8080/fhir.</summary>
    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/fhir";

    public static string VersionUrl(HttpRequest request, StoredResource stored) =>
        $"{BaseUrl(request)}/{stored.ResourceType}/{stored.Id}/_history/{stored.VersionId}";

    public static Task WriteResourceAsync(HttpContext context, StoredResource stored, int status)
    {
        SetVersionHeaders(context.Response, stored);
        return WriteJsonAsync(context, status, stored.Json!);
    }

    /// <summary>The answer to a write, as the client's Prefer header asks: the resource, nothing, or an OperationOutcome.</summary>
    public static Task WriteWriteResultAsync(HttpContext context, StoredResource stored, int status, string outcomeMessage)
    {
        SetVersionHeaders(context.Response, stored);
        return Prefer.Return(context.Request) switch
        {
            ReturnPreference.Minimal => WriteEmptyAsync(context, status),
            ReturnPreference.OperationOutcome => WriteOutcomeAsync(context, status, [Issue.Information("informational", null, outcomeMessage)]),
            _ => stored.Json is null ? WriteEmptyAsync(context, status) : WriteJsonAsync(context, status, stored.Json),
        };
    }

    public static Task WriteEmptyAsync(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    public static Task WriteOutcomeAsync(HttpContext context, int status, IEnumerable<Issue> issues)
    {
        var pretty = FhirFormat.IsPretty(context.Request);
        var json = System.Text.Encoding.UTF8.GetBytes(OperationOutcome.ToJson(issues, pretty));
        return WriteBytesAsync(context, status, json);
    }

    public static Task WriteJsonAsync(HttpContext context, int status, byte[] json)
    {
        if (FhirFormat.IsPretty(context.Request)) json = Indent(json);
        return WriteBytesAsync(context, status, json);
    }

    private static async Task WriteBytesAsync(HttpContext context, int status, byte[] json)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = FhirFormat.FhirJson + "; charset=utf-8";
        response.ContentLength = json.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
            await response.Body.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>Indents JSON; numbers keep their written form (JsonElement writes them back verbatim).</summary>
    private static byte[] Indent(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        using var buffer = new MemoryStream(json.Length * 2);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            doc.RootElement.WriteTo(w);
        return buffer.ToArray();
    }
}
