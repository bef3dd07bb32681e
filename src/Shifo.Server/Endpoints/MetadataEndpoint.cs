using Shifo.Server.Capability;
using Shifo.Server.Http;

namespace Shifo.Server.Endpoints;

/// <summary>GET /fhir/metadata: the CapabilityStatement.</summary>
public static class MetadataEndpoint
{
    public static Task Handle(HttpContext context, CapabilityStatementBuilder capabilities)
    {
        FhirFormat.Negotiate(context.Request);
        return FhirResponses.WriteJsonAsync(context, StatusCodes.Status200OK, capabilities.Build(FhirResponses.BaseUrl(context.Request)));
    }
}
