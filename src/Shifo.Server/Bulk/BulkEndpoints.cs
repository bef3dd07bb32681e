using System.Text.Json;
using Microsoft.Extensions.Options;
using Shifo.Fhir.Outcomes;
using Shifo.Server.Hosting;
using Shifo.Server.Http;
using Shifo.Server.Pipeline;
using Shifo.Server.Security.Enforcement;
using Shifo.Storage;
using Shifo.Storage.Jobs;

namespace Shifo.Server.Bulk;

/// <summary>
/// The Bulk Data Access kick-offs ($export at system, Patient and Group level; $import), the status URL
/// ($bulk-status/[job]: poll with GET, cancel with DELETE) and the files ($bulk-file/[job]/[name]).
/// </summary>
public static class BulkEndpoints
{
    public static void MapBulkData(this WebApplication app)
    {
        var fhir = app.MapGroup("/fhir");
        fhir.MapMethods("/$export", ["GET", "POST"], (HttpContext c, IServiceProvider s) => ExportAsync(c, s, "system", null));
        fhir.MapMethods("/Patient/$export", ["GET", "POST"], (HttpContext c, IServiceProvider s) => ExportAsync(c, s, "patient", null));
        fhir.MapMethods("/Group/{id}/$export", ["GET", "POST"], (HttpContext c, IServiceProvider s, string id) => ExportAsync(c, s, "group", id));
        fhir.MapPost("/$import", ImportAsync);
        fhir.MapGet("/$bulk-status/{job}", StatusAsync);
        fhir.MapDelete("/$bulk-status/{job}", CancelAsync);
        fhir.MapGet("/$bulk-file/{job}/{name}", FileAsync);
    }

    private static async Task ExportAsync(HttpContext context, IServiceProvider services, string level, string? groupId)
    {
        BulkAccess.RequireSystem(context);
        BulkKickoff.RequireAsync(context.Request);
        var parameters = context.Request.Query.SelectMany(q => q.Value.Select(v => (q.Key, v ?? ""))).ToList();
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.ContentLength is > 0)
            parameters.AddRange(ParametersBody(await services.GetRequiredService<RequestBody>().ReadAsync(context.Request, context.RequestAborted)));
        var (types, since) = BulkKickoff.ExportParameters(parameters);
        BulkAccess.RequireExport(context, types);
        if (groupId is not null)
        {
            ResourceIdentity.RequireId(groupId);
            var group = await services.GetRequiredService<IResourceStore>().ReadAsync("Group", groupId, context.RequestAborted);
            if (group?.Json is null) throw FhirProblem.Of(ProblemKind.NotFound, "not-found", $"There is no Group/{groupId}.");
        }
        var spec = new BulkSpec { Level = level, GroupId = groupId, Types = types, Since = since, BaseUrl = FhirResponses.BaseUrl(context.Request) };
        await StartAsync(context, services, BulkKinds.Export, spec);
    }

    /// <summary>The name/value pairs of a Parameters body (valueString, valueCode, valueInstant, ...).</summary>
    private static IEnumerable<(string, string)> ParametersBody(ReadOnlyMemory<byte> body)
    {
        using var doc = ParseJson(body);
        if (doc.RootElement.GetProperty("resourceType").GetString() != "Parameters")
            throw FhirProblem.Of(ProblemKind.Invalid, "invalid", "The body of a POST $export must be a Parameters resource.");
        var pairs = new List<(string, string)>();
        if (doc.RootElement.TryGetProperty("parameter", out var ps))
            foreach (var p in ps.EnumerateArray())
                foreach (var prop in p.EnumerateObject())
                    if (prop.Name.StartsWith("value", StringComparison.Ordinal) && prop.Value.ValueKind == JsonValueKind.String)
                        pairs.Add((p.GetProperty("name").GetString() ?? "", prop.Value.GetString()!));
        return pairs;
    }

    private static JsonDocument ParseJson(ReadOnlyMemory<byte> body)
    {
        try
        {
            var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("resourceType", out _) && !doc.RootElement.TryGetProperty("input", out _))
                throw FhirProblem.Of(ProblemKind.Invalid, "structure", "The body is neither a Parameters resource nor an import manifest.");
            return doc;
        }
        catch (JsonException)
        {
            throw FhirProblem.Of(ProblemKind.Invalid, "structure", "The body is not JSON.");
        }
    }

    private static async Task ImportAsync(HttpContext context, IServiceProvider services)
    {
        BulkAccess.RequireSystem(context);
        BulkKickoff.RequireAsync(context.Request);
        var folders = services.GetRequiredService<BulkFolders>();
        var jobId = Guid.CreateVersion7().ToString();
        var media = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        List<ImportInput> inputs;
        if (media is "application/fhir+ndjson" or "application/ndjson" or "application/x-ndjson")
        {
            // a small import in the body: kept in the job folder so that a restart can resume it
            BulkAccess.RequireImport(context, [null]);
            Directory.CreateDirectory(folders.Job(jobId));
            var path = Path.Combine(folders.Job(jobId), "input.ndjson");
            await SaveBodyAsync(context, services.GetRequiredService<IOptions<ServerOptions>>().Value.MaxBodyBytes, path, folders, jobId);
            inputs = [new ImportInput(null, "request body", path)];
        }
        else
        {
            inputs = ImportInputs(await services.GetRequiredService<RequestBody>().ReadAsync(context.Request, context.RequestAborted), folders);
            BulkAccess.RequireImport(context, inputs.Select(i => i.Type));
        }
        await StartAsync(context, services, BulkKinds.Import, new BulkSpec { Inputs = inputs, BaseUrl = FhirResponses.BaseUrl(context.Request) }, jobId);
    }

    private static async Task SaveBodyAsync(HttpContext context, long limit, string path, BulkFolders folders, string jobId)
    {
        await using (var file = File.Create(path))
        {
            var chunk = new byte[65536];
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (file.Length + read > limit)
                {
                    await file.DisposeAsync();
                    folders.DeleteJob(jobId);
                    throw FhirProblem.Of(ProblemKind.TooLarge, "too-costly",
                        $"The NDJSON body is larger than {limit} bytes: put the file under the server's import folder and name it in a Parameters body.");
                }
                await file.WriteAsync(chunk.AsMemory(0, read), context.RequestAborted);
            }
        }
    }

    /// <summary>
    /// The inputs of a Parameters body (parameter "input" with parts "type" and "url") or of a manifest
    /// ({"input": [{"type", "url"}]}); every url must name a file under the import folder.
    /// </summary>
    private static List<ImportInput> ImportInputs(ReadOnlyMemory<byte> body, BulkFolders folders)
    {
        using var doc = ParseJson(body);
        var root = doc.RootElement;
        var raw = new List<(string? Type, string? Url)>();
        if (root.TryGetProperty("resourceType", out var rt) && rt.GetString() == "Parameters")
        {
            if (root.TryGetProperty("parameter", out var ps))
                foreach (var p in ps.EnumerateArray().Where(p => p.TryGetProperty("name", out var n) && n.GetString() == "input"))
                {
                    string? type = null, url = null;
                    if (p.TryGetProperty("part", out var parts))
                        foreach (var part in parts.EnumerateArray())
                        {
                            var name = part.TryGetProperty("name", out var n) ? n.GetString() : null;
                            var value = part.EnumerateObject().FirstOrDefault(x => x.Name.StartsWith("value", StringComparison.Ordinal)).Value;
                            if (value.ValueKind != JsonValueKind.String) continue;
                            if (name == "type") type = value.GetString();
                            if (name == "url") url = value.GetString();
                        }
                    raw.Add((type, url));
                }
        }
        else if (root.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Array)
        {
            if (root.TryGetProperty("inputFormat", out var f) && f.GetString() is { } format && !format.Contains("ndjson", StringComparison.OrdinalIgnoreCase))
                throw FhirProblem.Of(ProblemKind.Invalid, "not-supported", "inputFormat must be application/fhir+ndjson.");
            foreach (var i in input.EnumerateArray())
                raw.Add((i.TryGetProperty("type", out var t) ? t.GetString() : null, i.TryGetProperty("url", out var u) ? u.GetString() : null));
        }
        else throw FhirProblem.Of(ProblemKind.Invalid, "invalid", "The body must be a Parameters resource or a manifest with an input array.");

        if (raw.Count == 0) throw FhirProblem.Of(ProblemKind.Invalid, "required", "The import names no input.");
        var inputs = new List<ImportInput>();
        foreach (var (type, url) in raw)
        {
            if (url is null) throw FhirProblem.Of(ProblemKind.Invalid, "required", "Every input needs a url.");
            if (type is not null) ResourceIdentity.RequireType(type);
            var path = folders.ResolveImport(url);
            if (path is null)
                throw FhirProblem.Of(ProblemKind.Invalid, "not-supported",
                    $"Input '{ResourceIdentity.Truncate(url)}' is not a file under the server's import folder (this server fetches nothing from the network).");
            if (!File.Exists(path)) throw FhirProblem.Of(ProblemKind.Invalid, "not-found", $"Input '{ResourceIdentity.Truncate(url)}' does not exist.");
            inputs.Add(new ImportInput(type, url, path));
        }
        return inputs;
    }

    private static async Task StartAsync(HttpContext context, IServiceProvider services, string kind, BulkSpec spec, string? jobId = null)
    {
        var id = jobId ?? Guid.CreateVersion7().ToString();
        var access = BulkAccess.RequireSystem(context);
        spec = spec with { Owner = access.ClientId, OwnerOrganization = access.Organization, OwnerUser = access.FhirUser };
        var request = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
        // the transaction time is a millisecond already passed: everything written up to it is in an export
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1);
        await services.GetRequiredService<JobStore>().CreateAsync(
            new BulkJob(id, kind, JobStatus.Queued, request, spec.ToJson(), now, now, "queued", 0, null, null), context.RequestAborted);
        services.GetRequiredService<BulkJobRunner>().Notify();
        context.Response.Headers.ContentLocation = $"{spec.BaseUrl}/$bulk-status/{id}";
        await FhirResponses.WriteOutcomeAsync(context, StatusCodes.Status202Accepted,
            [Issue.Information("informational", null, $"The {kind} was accepted; poll the Content-Location for its status.")]);
    }

    private static async Task StatusAsync(HttpContext context, JobStore jobs, string job)
    {
        var found = OwnJob(context, await jobs.GetAsync(job, context.RequestAborted)) ?? throw NoJob(job);
        switch (found.Status)
        {
            case JobStatus.Completed:
                var json = System.Text.Encoding.UTF8.GetBytes(found.Manifest ?? "{}");
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = json.Length;
                await context.Response.Body.WriteAsync(json, context.RequestAborted);
                break;
            case JobStatus.Failed:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                context.Response.ContentType = FhirFormat.FhirJson;
                await context.Response.WriteAsync(found.Manifest ?? OperationOutcome.ToJson([Issue.Error("exception", null, "The job failed.")]), context.RequestAborted);
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                context.Response.Headers["X-Progress"] = found.Progress ?? found.Status;
                context.Response.Headers.RetryAfter = "1";
                break;
        }
    }

    private static async Task CancelAsync(HttpContext context, JobStore jobs, BulkFolders folders, string job)
    {
        if (OwnJob(context, await jobs.GetAsync(job, context.RequestAborted)) is null || !await jobs.DeleteAsync(job, context.RequestAborted)) throw NoJob(job);
        // a running job notices at its next step and stops; its files go now
        if (Guid.TryParse(job, out _)) folders.DeleteJob(job);
        await FhirResponses.WriteOutcomeAsync(context, StatusCodes.Status202Accepted,
            [Issue.Information("informational", null, "The job was cancelled and its files removed.")]);
    }

    private static async Task FileAsync(HttpContext context, JobStore jobs, BulkFolders folders, string job, string name)
    {
        var found = OwnJob(context, await jobs.GetAsync(job, context.RequestAborted));
        if (found is null || found.Status != JobStatus.Completed || !Guid.TryParse(job, out _)) throw NoFile(job, name);
        context.Response.ContentType = "application/fhir+ndjson";
        if (found.Kind == BulkKinds.Import && name == "errors.ndjson")
        {
            await foreach (var outcome in jobs.ErrorsAsync(job, context.RequestAborted))
                await context.Response.WriteAsync(outcome + "\n", context.RequestAborted);
            return;
        }
        // only plain names of files the export wrote: no separators, no way out of the job folder
        if (found.Kind != BulkKinds.Export || name.IndexOfAny(['/', '\\']) >= 0 || !name.EndsWith(".ndjson", StringComparison.Ordinal)) throw NoFile(job, name);
        var path = Path.Combine(folders.Job(job), name);
        if (!File.Exists(path)) throw NoFile(job, name);
        await context.Response.SendFileAsync(path, context.RequestAborted);
    }

    /// <summary>
    /// The job when the caller (a system) started it, else null: another client's job is "not found", so that its
    /// status, manifest and files (data of types the caller may lack scopes for) stay its own.
    /// </summary>
    private static BulkJob? OwnJob(HttpContext context, BulkJob? job)
    {
        var access = BulkAccess.RequireSystem(context);
        if (job is null) return null;
        var owner = BulkSpec.Parse(job.Spec).Owner;
        return owner is null || owner == access.ClientId ? job : null;
    }

    private static FhirProblem NoJob(string job) =>
        FhirProblem.Of(ProblemKind.NotFound, "not-found", $"There is no bulk job '{ResourceIdentity.Truncate(job)}' (unknown, or cancelled).");

    private static FhirProblem NoFile(string job, string name) =>
        FhirProblem.Of(ProblemKind.NotFound, "not-found", $"There is no file '{ResourceIdentity.Truncate(name)}' of job '{ResourceIdentity.Truncate(job)}'.");
}
