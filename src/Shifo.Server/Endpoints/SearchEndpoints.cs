using Microsoft.Extensions.Options;
using Shifo.Server.Bundles;
using Shifo.Server.Hosting;
using Shifo.Server.Http;
using Shifo.Server.Pipeline;
using Shifo.Server.Search;
using Shifo.Storage.Search;

namespace Shifo.Server.Endpoints;

/// <summary>
/// search by GET and POST _search, at type and system level and in a compartment (Patient/123/Observation). The HTTP
/// side: page size and cursor, _summary and _elements, links and the Bundle; what can be searched is the store's compiler's business.
/// </summary>
public static class SearchEndpoints
{
    /// <summary>Parameters about the response rather than the matches, never passed to the compiler.</summary>
    private static readonly HashSet<string> Controls = new(StringComparer.Ordinal) { "_count", "_cursor", "_format", "_pretty", "_summary", "_elements" };

    public static Task TypeGet(HttpContext context, string type, ReadPipeline reads, IOptions<ServerOptions> options) =>
        Handle(context, type, null, QueryText.Pairs(context.Request).ToList(), reads, options.Value);

    public static Task SystemGet(HttpContext context, ReadPipeline reads, IOptions<ServerOptions> options) =>
        Handle(context, null, null, QueryText.Pairs(context.Request).ToList(), reads, options.Value);

    public static Task CompartmentGet(HttpContext context, string type, string id, string compartment, ReadPipeline reads, IOptions<ServerOptions> options)
    {
        ResourceIdentity.RequireType(type);
        ResourceIdentity.RequireId(id);
        return Handle(context, compartment, (type, id), QueryText.Pairs(context.Request).ToList(), reads, options.Value);
    }

    public static async Task TypePost(HttpContext context, string type, ReadPipeline reads, IOptions<ServerOptions> options) =>
        await Handle(context, type, null, await QueryText.FormAndQueryAsync(context.Request, options.Value.MaxBodyBytes, context.RequestAborted), reads, options.Value);

    public static async Task SystemPost(HttpContext context, ReadPipeline reads, IOptions<ServerOptions> options) =>
        await Handle(context, null, null, await QueryText.FormAndQueryAsync(context.Request, options.Value.MaxBodyBytes, context.RequestAborted), reads, options.Value);

    /// <summary>The search parameters of a query (controls left out), each split into name and modifier.</summary>
    public static List<SearchParameter> Criteria(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var parameters = new List<SearchParameter>();
        foreach (var (key, value) in pairs)
        {
            if (Controls.Contains(key)) continue;
            var colon = key.IndexOf(':');
            parameters.Add(colon < 0 ? new SearchParameter(key, null, value) : new SearchParameter(key[..colon], key[(colon + 1)..], value));
        }
        return parameters;
    }

    private static async Task Handle(HttpContext context, string? type, (string Type, string Id)? compartment,
        List<KeyValuePair<string, string>> pairs, ReadPipeline reads, ServerOptions options)
    {
        var request = context.Request;
        FhirFormat.Negotiate(request);
        var count = options.DefaultPageSize;
        var countText = pairs.LastOrDefault(p => p.Key == "_count").Value;
        if (countText is not null)
        {
            if (!int.TryParse(countText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count))
                throw FhirProblem.Of(ProblemKind.Invalid, "value", $"_count '{ResourceIdentity.Truncate(countText)}' is not a whole number.");
            count = Math.Min(count, options.MaxPageSize);
        }
        var shaper = ResourceShaper.Parse(pairs.LastOrDefault(p => p.Key == "_summary").Value, pairs.LastOrDefault(p => p.Key == "_elements").Value);
        if (shaper.Summary == SummaryMode.Count) count = 0;
        var cursor = pairs.LastOrDefault(p => p.Key == "_cursor").Value;

        var query = new SearchQuery
        {
            ResourceType = type,
            Parameters = Criteria(pairs),
            Count = count,
            Cursor = cursor,
            Compartment = compartment,
            Total = shaper.Summary == SummaryMode.Count ? TotalMode.Accurate : null,
            Strict = Prefer.IsStrict(request),
        };
        var page = await reads.SearchAsync(query, context.RequestAborted);

        var baseUrl = FhirResponses.BaseUrl(request);
        var path = baseUrl + (compartment is { } c ? $"/{c.Type}/{c.Id}/{type}" : type is null ? "" : "/" + type);
        // links echo what was understood, plus the response controls the client gave
        var echoed = page.Understood.Select(p => new KeyValuePair<string, string>(p.Key, p.Value))
            .Concat(pairs.Where(p => p.Key is "_count" or "_summary" or "_elements" or "_format" or "_pretty")).ToList();
        var links = new List<(string, string)> { ("self", QueryText.With(request, path, echoed, "_cursor", cursor)) };
        if (page.NextCursor is not null) links.Add(("next", QueryText.With(request, path, echoed, "_cursor", page.NextCursor)));
        if (page.PreviousCursor is not null) links.Add(("previous", QueryText.With(request, path, echoed, "_cursor", page.PreviousCursor)));

        using var bundle = new BundleWriter("searchset", baseUrl, page.Total, links);
        foreach (var match in page.Matches) bundle.AddSearchEntry(match, shaper.Apply(match.Json!), "match");
        foreach (var included in page.Included) bundle.AddSearchEntry(included, included.Json!, "include");
        if (page.Issues.Count > 0) bundle.AddOutcome(page.Issues);
        await FhirResponses.WriteJsonAsync(context, StatusCodes.Status200OK, bundle.ToArray());
    }
}
