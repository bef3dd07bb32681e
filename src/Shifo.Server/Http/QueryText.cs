using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Shifo.Server.Pipeline;

namespace Shifo.Server.Http;

/// <summary>Reading and rewriting the query string of paged requests.</summary>
public static class QueryText
{
    /// <summary>_count within [0, max], the default when absent; anything else is a 400.</summary>
    public static int Count(HttpRequest request, int defaultCount, int max)
    {
        var text = request.Query["_count"].ToString();
        if (text.Length == 0) return defaultCount;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            throw FhirProblem.Of(ProblemKind.Invalid, "value", $"_count '{ResourceIdentity.Truncate(text)}' is not a whole number.");
        return Math.Min(n, max);
    }

    public static long? Long(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0) return null;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw FhirProblem.Of(ProblemKind.Invalid, "value", $"{name} '{ResourceIdentity.Truncate(text)}' is not valid.");
    }

    /// <summary>The request's URL with one parameter set to a value (or removed when null), keeping the others in order.</summary>
    public static string With(HttpRequest request, string baseUrl, IEnumerable<KeyValuePair<string, string>> parameters, string name, string? value)
    {
        var url = baseUrl;
        var first = true;
        void Append(string k, string v)
        {
            url += (first ? "?" : "&") + Uri.EscapeDataString(k) + "=" + Uri.EscapeDataString(v);
            first = false;
        }
        foreach (var (k, v) in parameters)
            if (k != name) Append(k, v);
        if (value is not null) Append(name, value);
        return url;
    }

    public static IEnumerable<KeyValuePair<string, string>> Pairs(HttpRequest request) =>
        request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? "")));

    /// <summary>Parameters of a form body (POST _search) followed by those of the URL.</summary>
    public static async Task<List<KeyValuePair<string, string>>> FormAndQueryAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        var media = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (media != "application/x-www-form-urlencoded")
            throw FhirProblem.Of(ProblemKind.UnsupportedMediaType, "not-supported", "POST _search takes its parameters as application/x-www-form-urlencoded.");
        if (request.ContentLength > maxBytes)
            throw FhirProblem.Of(ProblemKind.TooLarge, "too-costly", $"The request body is larger than this server accepts ({maxBytes} bytes).");
        using var reader = new StreamReader(request.Body);
        var buffer = new char[8192];
        var text = new System.Text.StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), ct)) > 0)
        {
            if (text.Length + read > maxBytes)
                throw FhirProblem.Of(ProblemKind.TooLarge, "too-costly", $"The request body is larger than this server accepts ({maxBytes} bytes).");
            text.Append(buffer, 0, read);
        }
        var result = new List<KeyValuePair<string, string>>();
        foreach (var (k, values) in QueryHelpers.ParseQuery(text.ToString()))
            foreach (var v in values) result.Add(new(k, v ?? ""));
        result.AddRange(Pairs(request));
        return result;
    }
}
