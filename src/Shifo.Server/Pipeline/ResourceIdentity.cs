using System.Text.RegularExpressions;
using Shifo.Fhir.Definitions;

namespace Shifo.Server.Pipeline;

/// <summary>The checks on resource types and ids taken from a URL.</summary>
public static partial class ResourceIdentity
{
    [GeneratedRegex("^[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex IdPattern();

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    public static void RequireType(string type)
    {
        if (!FhirDefinitions.R4.IsResourceType(type))
            throw FhirProblem.Of(ProblemKind.NotFound, "not-supported", $"'{type}' is not a FHIR R4 resource type.");
    }

    public static void RequireId(string id)
    {
        if (!IsValidId(id))
            throw FhirProblem.Of(ProblemKind.Invalid, "value", $"'{Truncate(id)}' is not a valid resource id (1 to 64 of A-Z, a-z, 0-9, '-' and '.').");
    }

    public static long ParseVersion(string version) =>
        long.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0
            ? v
            : throw FhirProblem.Of(ProblemKind.NotFound, "not-found", $"'{Truncate(version)}' is not a version of this resource.");

    internal static string Truncate(string s) => s.Length > 80 ? s[..80] + "…" : s;
}
