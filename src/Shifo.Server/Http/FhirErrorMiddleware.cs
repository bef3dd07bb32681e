using Shifo.Fhir.Outcomes;
using Shifo.Server.Pipeline;
using Shifo.Server.Security.Hardening;

namespace Shifo.Server.Http;

/// <summary>
/// Makes every error under /fhir an OperationOutcome with the right status: refused interactions
/// (<see cref="FhirProblem"/>), Kestrel's own refusals, routing's bare 404/405, and — as a last resort that
/// keeps the process serving — unexpected exceptions as 500. Logs never carry request bodies or resource content.
/// </summary>
public sealed class FhirErrorMiddleware(RequestDelegate next, ILogger<FhirErrorMiddleware> log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            var response = context.Response;
            if (!response.HasStarted && response.StatusCode >= 400 && response.ContentType is null && response.ContentLength is null or 0)
                await FhirResponses.WriteOutcomeAsync(context, response.StatusCode, [Issue.Error(CodeFor(response.StatusCode), null, MessageFor(context))]);
        }
        catch (FhirProblem problem) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await FhirResponses.WriteOutcomeAsync(context, ProblemStatus.Of(problem.Kind), problem.Issues);
        }
        catch (Storage.Model.ConcurrentWriteException) when (!context.Response.HasStarted)
        {
            // a write that lost a race at commit (every path that expects one maps it itself; this is the safety net)
            context.Response.Clear();
            await FhirResponses.WriteOutcomeAsync(context, StatusCodes.Status409Conflict,
                [Issue.Error("conflict", null, "Another write to the same resource committed first; nothing of this request was stored. Retry it.")]);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await FhirResponses.WriteOutcomeAsync(context, ex.StatusCode, [Issue.Error(ex.StatusCode == 413 ? "too-costly" : "invalid", null, ex.Message)]);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client went away; nothing to answer
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            LogUnexpected(context, ex);
            context.Response.Clear();
            await FhirResponses.WriteOutcomeAsync(context, StatusCodes.Status500InternalServerError,
                [Issue.Fatal("exception", null, "The server failed to process the request; the error was logged.")]);
        }
        catch (Exception ex)
        {
            // the response is partly sent: cut the connection so that the client cannot take it for complete, and log
            // here rather than let Kestrel log the exception with its message
            LogUnexpected(context, ex);
            context.Abort();
        }
    }

    /// <summary>Type, stack and the path's shape only: messages of lower layers and ids in paths may be patient data.</summary>
    private void LogUnexpected(HttpContext context, Exception ex) =>
        log.LogError("Unexpected {Type} on {Method} {Path}: {Stack}", ex.GetType().FullName, context.Request.Method, LogSafe.Path(context.Request.Path), ex.StackTrace);

    private static string CodeFor(int status) => status switch
    {
        404 => "not-found",
        405 => "not-supported",
        _ => "processing",
    };

    private static string MessageFor(HttpContext context) => context.Response.StatusCode switch
    {
        404 => $"There is nothing at {context.Request.Path}.",
        405 => $"{context.Request.Method} is not allowed on {context.Request.Path}.",
        var s => $"The request failed with status {s}.",
    };
}
