namespace Shifo.Server.Endpoints;

/// <summary>Maps the FHIR REST API under /fhir; each interaction's handler lives in its own class.</summary>
public static class FhirRoutes
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    private static readonly (string Pattern, string[] Allowed)[] Allowed =
    [
        ("/metadata", ["GET"]),
        ("/_history", ["GET"]),
        ("/", ["GET", "POST"]),
        ("/_search", ["POST"]),
        ("/{type}", ["GET", "POST", "PUT", "DELETE", "PATCH"]),
        ("/{type}/_search", ["POST"]),
        ("/{type}/_history", ["GET"]),
        ("/{type}/$validate", ["POST"]),
        ("/{type}/{id}", ["GET", "PUT", "DELETE", "PATCH"]),
        ("/{type}/{id}/_history", ["GET"]),
        ("/{type}/{id}/_history/{version}", ["GET"]),
        ("/{type}/{id}/$validate", ["POST"]),
        ("/{type}/{id}/{compartment}", ["GET"]),
    ];

    public static void MapFhir(this WebApplication app)
    {
        var fhir = app.MapGroup("/fhir");
        fhir.MapGet("/metadata", MetadataEndpoint.Handle);
        fhir.MapGet("/_history", HistoryEndpoints.System);
        fhir.MapGet("/", SearchEndpoints.SystemGet);
        fhir.MapPost("/_search", SearchEndpoints.SystemPost);
        fhir.MapPost("/", BundleEndpoint.Handle);

        fhir.MapGet("/{type}", SearchEndpoints.TypeGet);
        fhir.MapPost("/{type}/_search", SearchEndpoints.TypePost);
        fhir.MapPost("/{type}", ResourceEndpoints.Create);
        fhir.MapPut("/{type}", ConditionalEndpoints.Update);
        fhir.MapDelete("/{type}", ConditionalEndpoints.Delete);
        fhir.MapPatch("/{type}", ConditionalEndpoints.PatchType);
        fhir.MapGet("/{type}/_history", HistoryEndpoints.Type);
        fhir.MapPost("/{type}/$validate", ValidateEndpoints.Type);

        fhir.MapGet("/{type}/{id}", ResourceEndpoints.Read);
        fhir.MapPut("/{type}/{id}", ResourceEndpoints.Update);
        fhir.MapDelete("/{type}/{id}", ResourceEndpoints.Delete);
        fhir.MapPatch("/{type}/{id}", ConditionalEndpoints.PatchInstance);
        fhir.MapGet("/Patient/{id}/$everything", Operations.EverythingOperation.Handle);
        fhir.MapGet("/{type}/{id}/_history", HistoryEndpoints.Instance);
        fhir.MapGet("/{type}/{id}/_history/{version}", ResourceEndpoints.VRead);
        fhir.MapPost("/{type}/{id}/$validate", ValidateEndpoints.Instance);
        fhir.MapGet("/{type}/{id}/{compartment}", SearchEndpoints.CompartmentGet);

        // the other methods on these paths: 405 (routing would otherwise fall through to the 404 below)
        foreach (var (pattern, allowed) in Allowed)
            fhir.MapMethods(pattern, Methods.Except(allowed), (HttpContext c) => throw Pipeline.FhirProblem.Of(Pipeline.ProblemKind.MethodNotAllowed,
                "not-supported", $"{c.Request.Method} is not allowed on {c.Request.Path}; allowed: {string.Join(", ", allowed)}."));

        // anything else under /fhir: a 404 OperationOutcome rather than an empty answer
        fhir.MapFallback((HttpContext c) => throw Pipeline.FhirProblem.Of(Pipeline.ProblemKind.NotFound, "not-found",
            $"There is nothing at {c.Request.Path}."));
    }
}
