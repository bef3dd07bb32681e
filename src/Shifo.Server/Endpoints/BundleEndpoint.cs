using System.Text.Json;
using System.Text.Json.Nodes;
using Shifo.Server.Bundles;
using Shifo.Server.Http;
using Shifo.Server.Pipeline;

namespace Shifo.Server.Endpoints;

/// <summary>POST to the base: a transaction or batch Bundle, answered with its transaction-response or batch-response.</summary>
public static class BundleEndpoint
{
    public static async Task Handle(HttpContext context, RequestBody body, TransactionProcessor transactions, BatchProcessor batches)
    {
        FhirFormat.Negotiate(context.Request);
        var bytes = await body.ReadAsync(context.Request, context.RequestAborted);
        JsonObject bundle;
        try
        {
            bundle = JsonNode.Parse(bytes.Span) as JsonObject ?? throw Bad("The body is not a JSON object.");
        }
        catch (JsonException)
        {
            throw Bad("The body is not JSON.");
        }
        if ((string?)bundle["resourceType"] != "Bundle") throw Bad("POST to the base takes a Bundle of type transaction or batch.");
        var entries = bundle["entry"] as JsonArray ?? [];
        var baseUrl = FhirResponses.BaseUrl(context.Request);
        var minimal = Prefer.Return(context.Request) == ReturnPreference.Minimal;
        var response = (string?)bundle["type"] switch
        {
            "transaction" => await transactions.ProcessAsync(entries, baseUrl, minimal, context.RequestAborted),
            "batch" => await batches.ProcessAsync(entries, baseUrl, minimal, context.RequestAborted),
            var other => throw Bad($"A Bundle of type '{ResourceIdentity.Truncate(other ?? "(none)")}' cannot be processed; send a transaction or batch."),
        };
        await FhirResponses.WriteJsonAsync(context, StatusCodes.Status200OK, response);
    }

    private static FhirProblem Bad(string message) => FhirProblem.Of(ProblemKind.Invalid, "invalid", message);
}
