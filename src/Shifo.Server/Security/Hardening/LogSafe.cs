using Microsoft.Extensions.Configuration.Memory;
using Shifo.Fhir.Definitions;

namespace Shifo.Server.Security.Hardening;

/// <summary>
/// Keeps patient data out of logs. URLs carry it (search values such as names and national ids in the query, client-
/// chosen ids in the path), and so do the messages of lower layers' exceptions (a database error may quote a value).
/// </summary>
public static class LogSafe
{
    /// <summary>
    /// The server's default log levels, beneath every other configuration source (appsettings.json, SHIFO_
    /// variables, the command line): ASP.NET Core's hosting and routing logs name each request's URL at Information,
    /// so ASP.NET Core logs from Warning only; HttpClient logs every URL it calls.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> DefaultLevels = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
    };

    public static void AddDefaultLogLevels(this IConfigurationBuilder configuration) =>
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultLevels });

    /// <summary>
    /// A request path with everything but its shape removed: FHIR resource types, operations ($everything) and
    /// keywords (_history, metadata) stay, ids and anything else become {id} — /fhir/Patient/{id}/_history/{id}.
    /// </summary>
    public static string Path(PathString path)
    {
        if (!path.HasValue) return "/";
        var segments = path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return "/" + string.Join('/', segments.Select(Segment));
    }

    private static string Segment(string segment) =>
        segment is "fhir" or "auth" or "metadata" or "livez" or "healthz"
        || segment.StartsWith('$') && segment.Skip(1).All(c => char.IsAsciiLetter(c) || c == '-')
        || segment.StartsWith('_') && segment.Skip(1).All(char.IsAsciiLetterLower)
        || FhirDefinitions.R4.IsResourceType(segment)
            ? segment
            : "{id}";
}
