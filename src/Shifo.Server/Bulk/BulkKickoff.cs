using System.Globalization;
using Shifo.Fhir.Definitions;
using Shifo.Server.Http;
using Shifo.Server.Pipeline;

namespace Shifo.Server.Bulk;

/// <summary>The checks every bulk kick-off shares (Prefer: respond-async, Accept) and the $export parameters.</summary>
public static class BulkKickoff
{
    public static void RequireAsync(HttpRequest request)
    {
        FhirFormat.Negotiate(request);
        var prefer = request.Headers["Prefer"].ToString();
        if (!prefer.Split([',', ';']).Any(p => p.Trim().Equals("respond-async", StringComparison.OrdinalIgnoreCase)))
            throw FhirProblem.Of(ProblemKind.Invalid, "required", "Bulk operations are asynchronous: send the header Prefer: respond-async.");
    }

    private static readonly HashSet<string> OutputFormats = new(StringComparer.OrdinalIgnoreCase)
        { "application/fhir+ndjson", "application/ndjson", "ndjson" };

    /// <summary>_outputFormat (NDJSON only), _type (resource types, comma-separated, repeatable) and _since (an instant).</summary>
    public static (List<string>? Types, DateTimeOffset? Since) ExportParameters(IReadOnlyList<(string Name, string Value)> parameters)
    {
        List<string>? types = null;
        DateTimeOffset? since = null;
        foreach (var (name, value) in parameters)
        {
            switch (name)
            {
                case "_outputFormat":
                    if (!OutputFormats.Contains(value.Trim()))
                        throw FhirProblem.Of(ProblemKind.Invalid, "not-supported", $"_outputFormat '{ResourceIdentity.Truncate(value)}' is not supported: use application/fhir+ndjson.");
                    break;
                case "_type":
                    types ??= [];
                    foreach (var t in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!FhirDefinitions.R4.IsResourceType(t))
                            throw FhirProblem.Of(ProblemKind.Invalid, "not-supported", $"_type: '{ResourceIdentity.Truncate(t)}' is not a FHIR R4 resource type.");
                        if (!types.Contains(t)) types.Add(t);
                    }
                    break;
                case "_since":
                    if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s) || !value.Contains('T'))
                        throw FhirProblem.Of(ProblemKind.Invalid, "value", $"_since '{ResourceIdentity.Truncate(value)}' is not a FHIR instant (e.g. 2024-01-31T12:00:00Z).");
                    since = s;
                    break;
                case "_elements" or "patient" or "_typeFilter" or "includeAssociatedData":
                    throw FhirProblem.Of(ProblemKind.Invalid, "not-supported", $"The $export parameter {name} is not supported by this server.");
            }
        }
        return (types, since);
    }
}
