using System.Globalization;
using System.Text.Json;
using Shifo.Fhir.Definitions;
using Shifo.Fhir.Serialization;
using Shifo.Server.Security.Enforcement;
using Shifo.Storage;
using Shifo.Storage.Jobs;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Server.Bulk;

/// <summary>
/// Runs one $export: pages through the store type by type (system level) or patient by patient through the Patient
/// compartment (Patient and Group level), writing one NDJSON file per type, then stores the manifest. A restarted
/// export starts over; a cancelled one (job row gone) stops at the next page and leaves no files. With security on,
/// each resource of patient data is decided for the starting client first (<see cref="ExportConsent"/>): what a
/// patient's Consent refuses that client stays out of the files, as it would from its reads.
/// </summary>
public sealed class ExportJob(TrustedStore trusted, JobStore jobs, BulkFolders folders, BulkOptions options,
    Microsoft.Extensions.Options.IOptions<Security.SecurityOptions> security, ExportConsent consent)
{
    private readonly IResourceStore store = trusted.Store;

    private sealed class Cancelled : Exception;

    public async Task RunAsync(BulkJob job, CancellationToken ct)
    {
        var spec = BulkSpec.Parse(job.Spec);
        folders.DeleteJob(job.Id);
        Directory.CreateDirectory(folders.Job(job.Id));
        var writers = new SortedDictionary<string, NdjsonWriter>(StringComparer.Ordinal);
        var caller = security.Value.Enabled ? ExportConsent.Caller(spec.Owner, spec.OwnerOrganization, spec.OwnerUser) : null;
        try
        {
            var filter = TimeFilter(spec.Since, job.TransactionTime);
            if (spec.Level == "system")
            {
                var types = spec.Types ?? await jobs.StoredTypesAsync(ct);
                foreach (var type in types)
                {
                    await Progress(job, $"exporting {type}", ct);
                    await ExportSearchAsync(job, new SearchQuery { ResourceType = type, Parameters = filter }, writers, null, caller, ct);
                }
            }
            else
            {
                var patients = spec.Level == "group" ? await GroupMembersAsync(spec.GroupId!, ct) : await AllPatientsAsync(ct);
                var compartment = FhirDefinitions.R4.Compartments.First(c => c.Code == "Patient").ParamsByResourceType;
                // only the types the store holds: a query per patient for each of the compartment's ~60 types would be wasted
                var held = (await jobs.StoredTypesAsync(ct)).ToHashSet(StringComparer.Ordinal);
                var types = (spec.Types ?? [.. compartment.Keys]).Where(t => held.Contains(t) && (t == "Patient" || compartment.ContainsKey(t)))
                    .Order(StringComparer.Ordinal).ToList();
                var seen = new Dictionary<string, HashSet<string>>();
                var done = 0;
                foreach (var patientId in patients)
                {
                    if (done++ % 50 == 0) await Progress(job, $"{done - 1} of {patients.Count} patients", ct);
                    foreach (var type in types)
                    {
                        var ids = seen.TryGetValue(type, out var s) ? s : seen[type] = [];
                        var query = type == "Patient"
                            ? new SearchQuery { ResourceType = type, Parameters = [new SearchParameter("_id", null, patientId), .. filter] }
                            : new SearchQuery { ResourceType = type, Parameters = filter, Compartment = ("Patient", patientId) };
                        await ExportSearchAsync(job, query, writers, ids, caller, ct);
                    }
                }
            }
        }
        finally
        {
            foreach (var w in writers.Values) await w.DisposeAsync();
        }

        var manifest = Manifest(job, spec, writers);
        if (!await jobs.UpdateAsync(job.Id, JobStatus.Completed, "complete", manifest, ct)) folders.DeleteJob(job.Id);
    }

    /// <summary>_since (changed after it) and the transaction time (nothing written after the kick-off).</summary>
    private static List<SearchParameter> TimeFilter(DateTimeOffset? since, DateTimeOffset transactionTime)
    {
        var filter = new List<SearchParameter> { new("_lastUpdated", null, "le" + Instant(transactionTime)) };
        if (since is { } s) filter.Add(new SearchParameter("_lastUpdated", null, "gt" + Instant(s)));
        return filter;
    }

    public static string Instant(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private async Task ExportSearchAsync(BulkJob job, SearchQuery first, IDictionary<string, NdjsonWriter> writers, HashSet<string>? seen,
        Security.Access.AccessContext? caller, CancellationToken ct)
    {
        string? cursor = null;
        // bounded: each page moves the cursor forward, and a page without a next cursor ends the search
        for (var page = 0; page < int.MaxValue; page++)
        {
            var result = await store.SearchAsync(first with { Count = options.ExportPageSize, Cursor = cursor, Total = TotalMode.None }, ct);
            if (result.Issues.Any(i => i.IsError)) throw new InvalidOperationException(result.Issues.First(i => i.IsError).Message);
            foreach (var r in result.Matches)
            {
                if (r.Json is null || (seen is not null && !seen.Add(r.Id))) continue;
                if (caller is not null && !await consent.MayExportAsync(caller, r, ct)) continue;
                if (!writers.TryGetValue(r.ResourceType, out var writer))
                    writers[r.ResourceType] = writer = new NdjsonWriter(Path.Combine(folders.Job(job.Id), r.ResourceType + ".ndjson"));
                await writer.WriteAsync(r.Json, ct);
            }
            if (result.NextCursor is null) return;
            cursor = result.NextCursor;
            // a cancelled job has no row any more: stop (the caller removes the files)
            if (page % 20 == 19 && await jobs.GetAsync(job.Id, ct) is null) throw new OperationCanceledException("cancelled");
        }
    }

    private async Task Progress(BulkJob job, string text, CancellationToken ct)
    {
        if (!await jobs.UpdateAsync(job.Id, JobStatus.Running, text, null, ct)) throw new OperationCanceledException("cancelled");
    }

    private async Task<List<string>> AllPatientsAsync(CancellationToken ct)
    {
        var ids = new List<string>();
        string? cursor = null;
        for (var page = 0; page < int.MaxValue; page++)
        {
            var result = await store.SearchAsync(new SearchQuery { ResourceType = "Patient", Count = options.ExportPageSize, Cursor = cursor, Total = TotalMode.None }, ct);
            ids.AddRange(result.Matches.Select(m => m.Id));
            if (result.NextCursor is null) return ids;
            cursor = result.NextCursor;
        }
        return ids;
    }

    /// <summary>The Patients among Group.member.entity (Patient/[id] references).</summary>
    private async Task<List<string>> GroupMembersAsync(string groupId, CancellationToken ct)
    {
        var group = await store.ReadAsync("Group", groupId, ct);
        if (group?.Json is null) return [];
        using var doc = JsonDocument.Parse(group.Json);
        var ids = new List<string>();
        if (doc.RootElement.TryGetProperty("member", out var members))
            foreach (var m in members.EnumerateArray())
                if (m.TryGetProperty("entity", out var e) && e.TryGetProperty("reference", out var r) && r.GetString() is { } reference
                    && reference.StartsWith("Patient/", StringComparison.Ordinal))
                    ids.Add(reference["Patient/".Length..]);
        return ids.Distinct().ToList();
    }

    private string Manifest(BulkJob job, BulkSpec spec, IReadOnlyDictionary<string, NdjsonWriter> writers)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("transactionTime", Instant(job.TransactionTime));
            w.WriteString("request", job.Request);
            // the files are served under /fhir, where a token is needed whenever security is on
            w.WriteBoolean("requiresAccessToken", security.Value.Enabled);
            w.WriteStartArray("output");
            foreach (var (type, writer) in writers)
            {
                w.WriteStartObject();
                w.WriteString("type", type);
                w.WriteString("url", $"{spec.BaseUrl}/$bulk-file/{job.Id}/{type}.ndjson");
                w.WriteNumber("count", writer.Count);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("error");
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
