namespace Shifo.Server.Endpoints;

/// <summary>Maps the FHIR REST API under /fhir; each interaction's handler lives in its own class.</summary>
public static class FhirRoutes
{
    public static void MapFhir(this WebApplication app)
    {
        var fhir = app.MapGroup("/fhir");
        fhir.MapGet("/metadata", MetadataEndpoint.Handle);
        fhir.MapGet("/_history", HistoryEndpoints.System);
        fhir.MapGet("/", SearchEndpoints.SystemGet);
        fhir.MapPost("/_search", SearchEndpoints.SystemPost);
        fhir.MapPost("/", (HttpContext _) => throw Pipeline.FhirProblem.Of(Pipeline.ProblemKind.NotImplemented, "not-supported",
            "Batch and transaction Bundles are not implemented yet."));

        fhir.MapGet("/{type}", SearchEndpoints.TypeGet);
        fhir.MapPost("/{type}/_search", SearchEndpoints.TypePost);
        fhir.MapPost("/{type}", ResourceEndpoints.Create);
        fhir.MapGet("/{type}/_history", HistoryEndpoints.Type);
        fhir.MapPost("/{type}/$validate", ValidateEndpoints.Type);

        fhir.MapGet("/{type}/{id}", ResourceEndpoints.Read);
        fhir.MapPut("/{type}/{id}", ResourceEndpoints.Update);
        fhir.MapDelete("/{type}/{id}", ResourceEndpoints.Delete);
        fhir.MapGet("/{type}/{id}/_history", HistoryEndpoints.Instance);
        fhir.MapGet("/{type}/{id}/_history/{version}", ResourceEndpoints.VRead);
        fhir.MapPost("/{type}/{id}/$validate", ValidateEndpoints.Instance);

        // anything else under /fhir: a 404 OperationOutcome rather than an empty answer
        fhir.MapFallback((HttpContext c) => throw Pipeline.FhirProblem.Of(Pipeline.ProblemKind.NotFound, "not-found",
            $"There is nothing at {c.Request.Path}."));
    }
}
