using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Shifo.Fhir.Definitions;
using Shifo.Server.Bundles;
using Shifo.Server.Hosting;
using Shifo.Server.Http;
using Shifo.Server.Pipeline;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Enforcement;
using Shifo.Server.Security.Scopes;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Server.Operations;

/// <summary>
/// Patient/[id]/$everything: the patient and every resource in its Patient compartment (the compartment definition
/// of the specification), type by type through the ordinary compartment search, optionally only some types (_type)
/// and only resources changed since a time (_since). Pages of _count resources; the next link's cursor says which
/// type to go on with and where in it.
/// </summary>
public static class EverythingOperation
{
    private static readonly Lazy<string[]> CompartmentTypes = new(() =>
        FhirDefinitions.R4.Compartments.Single(c => c.Code == "Patient").ParamsByResourceType
            .Where(kv => kv.Value.Count > 0 && kv.Key != "Patient").Select(kv => kv.Key).Order(StringComparer.Ordinal).ToArray());

    public static async Task Handle(HttpContext context, string id, ReadPipeline reads, IOptions<ServerOptions> options)
    {
        var request = context.Request;
        FhirFormat.Negotiate(request);
        context.Items[RequestGuard.OperationItem] = "$everything";
        var patient = await reads.ReadAsync("Patient", id, context.RequestAborted);
        var count = QueryText.Count(request, options.Value.DefaultPageSize, options.Value.MaxPageSize);
        if (count < 1) count = 1;
        var since = request.Query["_since"].ToString();
        if (since.Length > 0 && !DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            throw FhirProblem.Of(ProblemKind.Invalid, "value", $"_since '{ResourceIdentity.Truncate(since)}' is not an instant.");
        var wanted = request.Query["_type"].SelectMany(t => (t ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
        foreach (var t in wanted) ResourceIdentity.RequireType(t);
        // only the types the token may read and search (r+s); the others are left out rather than refused
        var access = context.Access() ?? throw FhirProblem.Of(ProblemKind.Forbidden, "forbidden", "The request has no verified caller.");
        var types = CompartmentTypes.Value.Where(t => (wanted.Count == 0 || wanted.Contains(t))
            && ScopeRules.Allows(access, t, ScopeActions.Read | ScopeActions.Search, [patient.Id])).ToArray();

        var (typeIndex, typeCursor) = Decode(request.Query["_cursor"].ToString());
        var page = new List<StoredResource>();
        // the patient itself opens the first page (when its type is wanted and it changed since _since)
        if (typeIndex == -1)
        {
            if ((wanted.Count == 0 || wanted.Contains("Patient")) && (since.Length == 0 || patient.LastUpdated >= DateTimeOffset.Parse(since, CultureInfo.InvariantCulture)))
                page.Add(patient);
            typeIndex = 0;
        }
        string? next = null;
        while (typeIndex < types.Length)
        {
            if (page.Count >= count)
            {
                // the page is full at a type boundary: a next link only if some later type has something
                if (await AnyAsync(reads, types[typeIndex], patient.Id, since, context.RequestAborted)) { next = Encode(typeIndex, null); break; }
                typeIndex++;
                continue;
            }
            var result = await reads.SearchAsync(new SearchQuery
            {
                ResourceType = types[typeIndex],
                Compartment = ("Patient", patient.Id),
                Parameters = Since(since),
                Count = count - page.Count,
                Cursor = typeCursor,
                Total = TotalMode.None,
            }, context.RequestAborted);
            page.AddRange(result.Matches);
            if (result.NextCursor is not null) { next = Encode(typeIndex, result.NextCursor); break; }
            typeIndex++;
            typeCursor = null;
        }

        var baseUrl = FhirResponses.BaseUrl(request);
        var self = $"{baseUrl}/Patient/{patient.Id}/$everything";
        var echoed = request.Query.Where(q => q.Key is "_since" or "_type" or "_count")
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))).ToList();
        var links = new List<(string, string)> { ("self", QueryText.With(request, self, echoed, "_cursor", request.Query["_cursor"].ToString() is { Length: > 0 } c ? c : null)) };
        if (next is not null) links.Add(("next", QueryText.With(request, self, echoed, "_cursor", next)));
        using var bundle = new BundleWriter("searchset", baseUrl, null, links);
        foreach (var resource in page) bundle.AddSearchEntry(resource, resource.Json!, "match");
        await FhirResponses.WriteJsonAsync(context, StatusCodes.Status200OK, bundle.ToArray());
    }

    private static async Task<bool> AnyAsync(ReadPipeline reads, string type, string patientId, string since, CancellationToken ct) =>
        (await reads.SearchAsync(new SearchQuery { ResourceType = type, Compartment = ("Patient", patientId), Parameters = Since(since), Count = 1, Total = TotalMode.None }, ct))
        .Matches.Count > 0;

    private static List<SearchParameter> Since(string since) => since.Length == 0 ? [] : [new("_lastUpdated", null, "ge" + since)];

    private static string Encode(int typeIndex, string? cursor) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{typeIndex}|{cursor}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (int TypeIndex, string? Cursor) Decode(string text)
    {
        if (text.Length == 0) return (-1, null);
        try
        {
            var b64 = text.Replace('-', '+').Replace('_', '/');
            var raw = Encoding.UTF8.GetString(Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=')));
            var bar = raw.IndexOf('|');
            if (bar > 0 && int.TryParse(raw[..bar], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                return (index, bar + 1 < raw.Length ? raw[(bar + 1)..] : null);
        }
        catch (FormatException)
        {
        }
        throw FhirProblem.Of(ProblemKind.Invalid, "value", "The _cursor of this $everything page is not one this server wrote.");
    }
}
