using Microsoft.Extensions.Options;
using Shifo.Server.Bundles;
using Shifo.Server.Hosting;
using Shifo.Server.Http;
using Shifo.Server.Pipeline;
using Shifo.Storage.Indexing;
using Shifo.Storage.Model;

namespace Shifo.Server.Endpoints;

/// <summary>history of a resource, of a type and of the whole system, with _since, _at, _count and keyset paging (_cursor).</summary>
public static class HistoryEndpoints
{
    public static Task Instance(HttpContext context, string type, string id, ReadPipeline reads, IOptions<ServerOptions> options) =>
        Handle(context, type, id, reads, options.Value);

    public static Task Type(HttpContext context, string type, ReadPipeline reads, IOptions<ServerOptions> options) =>
        Handle(context, type, null, reads, options.Value);

    public static Task System(HttpContext context, ReadPipeline reads, IOptions<ServerOptions> options) =>
        Handle(context, null, null, reads, options.Value);

    private static async Task Handle(HttpContext context, string? type, string? id, ReadPipeline reads, ServerOptions options)
    {
        var request = context.Request;
        FhirFormat.Negotiate(request);
        var query = new HistoryQuery
        {
            ResourceType = type,
            Id = id,
            Count = QueryText.Count(request, options.DefaultPageSize, options.MaxPageSize),
            Before = QueryText.Long(request, "_cursor"),
        };
        if (request.Query["_since"].ToString() is { Length: > 0 } since)
        {
            if (!FhirDateRange.TryParse(since, out var range))
                throw FhirProblem.Of(ProblemKind.Invalid, "value", $"_since '{ResourceIdentity.Truncate(since)}' is not an instant.");
            query = query with { Since = DateTimeOffset.FromUnixTimeMilliseconds(range.Low) };
        }
        if (request.Query["_at"].ToString() is { Length: > 0 } at)
        {
            if (!FhirDateRange.TryParse(at, out var range))
                throw FhirProblem.Of(ProblemKind.Invalid, "value", $"_at '{ResourceIdentity.Truncate(at)}' is not a date.");
            query = query with { AtLow = DateTimeOffset.FromUnixTimeMilliseconds(range.Low), AtHigh = DateTimeOffset.FromUnixTimeMilliseconds(range.High) };
        }

        var page = await reads.HistoryAsync(query, context.RequestAborted);

        var baseUrl = FhirResponses.BaseUrl(request);
        var self = baseUrl + (type is null ? "" : "/" + type) + (id is null ? "" : "/" + id) + "/_history";
        var pairs = QueryText.Pairs(request).ToList();
        var links = new List<(string, string)> { ("self", QueryText.With(request, self, pairs, "_cursor", request.Query["_cursor"].ToString() is { Length: > 0 } c ? c : null)) };
        if (page.NextCursor is { } next) links.Add(("next", QueryText.With(request, self, pairs, "_cursor", next.ToString(global::System.Globalization.CultureInfo.InvariantCulture))));

        using var bundle = new BundleWriter("history", baseUrl, page.Total < 0 ? null : page.Total, links);
        foreach (var version in page.Entries) bundle.AddHistoryEntry(version);
        await FhirResponses.WriteJsonAsync(context, StatusCodes.Status200OK, bundle.ToArray());
    }
}
