using System.Globalization;
using Microsoft.Net.Http.Headers;
using Shifo.Server.Pipeline;
using Shifo.Storage.Model;

namespace Shifo.Server.Http;

/// <summary>If-Match, If-None-Match and If-Modified-Since as FHIR uses them: weak ETags holding the version id.</summary>
public static class ConditionalHeaders
{
    /// <summary>The version an If-Match header demands, null without the header; a malformed one is a 400.</summary>
    public static long? IfMatchVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (header.Length == 0) return null;
        return ParseETag(header) ?? throw FhirProblem.Of(ProblemKind.Invalid, "value",
            $"If-Match '{ResourceIdentity.Truncate(header)}' is not a version ETag such as W/\"3\".");
    }

    /// <summary>Version ids from W/"3", "3" or 3.</summary>
    public static long? ParseETag(string value)
    {
        var v = value.Trim();
        if (v.StartsWith("W/", StringComparison.OrdinalIgnoreCase)) v = v[2..];
        v = v.Trim('"');
        return long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
    }

    /// <summary>True when the client's copy is current (If-None-Match names this version, or nothing changed since If-Modified-Since).</summary>
    public static bool IsNotModified(HttpRequest request, StoredResource stored)
    {
        var noneMatch = request.Headers.IfNoneMatch.ToString();
        if (noneMatch.Length > 0)
        {
            foreach (var tag in noneMatch.Split(','))
                if (tag.Trim() == "*" || ParseETag(tag) == stored.VersionId) return true;
            return false;
        }
        var since = request.Headers.IfModifiedSince.ToString();
        if (since.Length > 0 && HeaderUtilities.TryParseDate(since, out var date))
            // HTTP dates have whole seconds
            return stored.LastUpdated.ToUnixTimeSeconds() <= date.ToUnixTimeSeconds();
        return false;
    }
}
