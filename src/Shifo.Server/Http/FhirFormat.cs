using Shifo.Server.Pipeline;

namespace Shifo.Server.Http;

/// <summary>
/// Content negotiation: this server speaks FHIR JSON only. _format (json, application/fhir+json, application/json)
/// wins over Accept; asking for XML or Turtle alone is 406. _pretty=true indents.
/// </summary>
public static class FhirFormat
{
    public const string FhirJson = "application/fhir+json";

    public static bool IsPretty(HttpRequest request) =>
        string.Equals(request.Query["_pretty"].ToString(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws a NotAcceptable problem when the client accepts no JSON; returns the media type to answer with.</summary>
    public static string Negotiate(HttpRequest request)
    {
        var format = request.Query["_format"].ToString();
        if (format.Length > 0)
        {
            var f = format.Split(';')[0].Trim().ToLowerInvariant();
            if (f is "json" or FhirJson or "application/json" or "application/json+fhir") return f == "application/json" ? "application/json" : FhirJson;
            throw FhirProblem.Of(ProblemKind.NotAcceptable, "not-supported", $"_format '{ResourceIdentity.Truncate(format)}' is not supported: this server speaks FHIR JSON only.");
        }
        var accept = request.Headers.Accept.ToString();
        if (accept.Length == 0) return FhirJson;
        var anyJson = false;
        foreach (var part in accept.Split(','))
        {
            var media = part.Split(';')[0].Trim().ToLowerInvariant();
            if (media is FhirJson or "application/json+fhir" or "*/*" or "application/*") return FhirJson;
            if (media is "application/json" or "text/json") anyJson = true;
            if (media is "text/html" or "text/*") anyJson = true;
        }
        if (anyJson) return FhirJson;
        throw FhirProblem.Of(ProblemKind.NotAcceptable, "not-supported", "This server answers in FHIR JSON only (application/fhir+json).");
    }
}
