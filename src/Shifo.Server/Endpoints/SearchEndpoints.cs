using Microsoft.Extensions.Options;
using Shifo.Server.Bundles;
using Shifo.Server.Hosting;
using Shifo.Server.Http;
using Shifo.Server.Pipeline;
using Shifo.Storage.Search;

namespace Shifo.Server.Endpoints;

/// <summary>search by GET and POST _search, at type and system level. What can be searched is the store's compiler's business.</summary>
public static class SearchEndpoints
{
    /// <summary>Parameters about the HTTP exchange itself, never passed to the compiler.</summary>
    private static readonly HashSet<string> Controls = new(StringComparer.Ordinal) { "_count", "_offset", "_format", "_pretty" };

    public static Task TypeGet(HttpContext context, string type, ReadPipeline reads, IOptions<ServerOptions> options) =>
        Handle(context, type, QueryText.Pairs(context.Request).ToList(), reads, options.Value);

    public static Task SystemGet(HttpContext context, ReadPipeline reads, IOptions<ServerOptions> options) =>
        Handle(context, null, QueryText.Pairs(context.Request).ToList(), reads, options.Value);

    public static async Task TypePost(HttpContext context, string type, ReadPipeline reads, IOptions<ServerOptions> options) =>
        await Handle(context, type, await QueryText.FormAndQueryAsync(context.Request, options.Value.MaxBodyBytes, context.RequestAborted), reads, options.Value);

    public static async Task SystemPost(HttpContext context, ReadPipeline reads, IOptions<ServerOptions> options) =>
        await Handle(context, null, await QueryText.FormAndQueryAsync(context.Request, options.Value.MaxBodyBytes, context.RequestAborted), reads, options.Value);

    private static async Task Handle(HttpContext context, string? type, List<KeyValuePair<string, string>> pairs, ReadPipeline reads, ServerOptions options)
    {
        var request = context.Request;
        FhirFormat.Negotiate(request);
        var count = options.DefaultPageSize;
        var countText = pairs.LastOrDefault(p => p.Key == "_count").Value;
        if (countText is not null)
        {
            if (!int.TryParse(countText, out count) || count < 0)
                throw FhirProblem.Of(ProblemKind.Invalid, "value", $"_count '{ResourceIdentity.Truncate(countText)}' is not a whole number.");
            count = Math.Min(count, options.MaxPageSize);
        }
        var offsetText = pairs.LastOrDefault(p => p.Key == "_offset").Value;
        var offset = 0;
        if (offsetText is not null && (!int.TryParse(offsetText, out offset) || offset < 0))
            throw FhirProblem.Of(ProblemKind.Invalid, "value", $"_offset '{ResourceIdentity.Truncate(offsetText)}' is not a whole number.");

        var parameters = new List<SearchParameter>();
        foreach (var (key, value) in pairs)
        {
            if (Controls.Contains(key)) continue;
            var colon = key.IndexOf(':');
            parameters.Add(colon < 0 ? new SearchParameter(key, null, value) : new SearchParameter(key[..colon], key[(colon + 1)..], value));
        }
        var query = new SearchQuery
        {
            ResourceType = type,
            Parameters = parameters,
            Count = count,
            Offset = offset,
            Strict = Prefer.IsStrict(request),
        };
        var page = await reads.SearchAsync(query, context.RequestAborted);

        var baseUrl = FhirResponses.BaseUrl(request);
        var self = baseUrl + (type is null ? "" : "/" + type);
        var links = new List<(string, string)> { ("self", QueryText.With(request, self, pairs, "_offset", offset > 0 ? offset.ToString() : null)) };
        if (page.HasMore) links.Add(("next", QueryText.With(request, self, pairs, "_offset", (offset + count).ToString())));
        if (offset > 0) links.Add(("previous", QueryText.With(request, self, pairs, "_offset", Math.Max(0, offset - count).ToString())));

        using var bundle = new BundleWriter("searchset", baseUrl, page.Total, links);
        foreach (var match in page.Matches) bundle.AddSearchMatch(match);
        if (page.Issues.Count > 0) bundle.AddOutcome(page.Issues);
        await FhirResponses.WriteJsonAsync(context, StatusCodes.Status200OK, bundle.ToArray());
    }
}
