using System.Text.Json.Nodes;
using Shifo.Fhir.Outcomes;
using Shifo.Server.Pipeline;
using Shifo.Storage;

namespace Shifo.Server.Bundles;

/// <summary>
/// A transaction Bundle: all entries in ONE write scope (one database transaction), or none. Identities first
/// (POST ids assigned, ifNoneExist and conditional update/patch targets found), then every reference to an entry's
/// fullUrl and every conditional reference rewritten, then the entries run in the order the spec gives (DELETE, POST,
/// PUT/PATCH, GET). The first failure rolls all back and is reported naming its entry.
/// </summary>
public sealed class TransactionProcessor(IResourceStore store, EntryExecutor executor)
{
    public async Task<byte[]> ProcessAsync(JsonArray entryNodes, string baseUrl, bool minimal, CancellationToken ct)
    {
        var entries = entryNodes.Select((e, i) => EntryRequest.Parse(e, i, baseUrl)).ToList();
        var duplicates = entries.Where(e => e.FullUrl is not null).GroupBy(e => e.FullUrl).FirstOrDefault(g => g.Count() > 1);
        if (duplicates is not null)
            throw FhirProblem.Of(ProblemKind.Invalid, "invalid", $"Two entries have the fullUrl '{ResourceIdentity.Truncate(duplicates.Key!)}'.");

        await using var scope = await store.BeginWriteScopeAsync(ct);
        var byFullUrl = new Dictionary<string, string>(StringComparer.Ordinal);
        var results = new EntryResult?[entries.Count];

        foreach (var entry in entries)
            await Named(entry, () => IdentifyAsync(scope, entry, byFullUrl, results, ct));
        var rewriter = new ReferenceRewriter(scope, byFullUrl);
        foreach (var entry in entries.Where(e => e.Resource is not null))
            await Named(entry, () => rewriter.RewriteAsync(entry.Resource, ct));

        foreach (var entry in entries.OrderBy(e => e.Phase).ThenBy(e => e.Index))
        {
            if (results[entry.Index] is not null) continue;
            results[entry.Index] = await Named(entry, () => executor.RunAsync(scope, entry, baseUrl, ct));
        }
        await CommitAsync(scope, ct);
        return ResponseBundle.Write("transaction-response", baseUrl, results!, minimal);
    }

    /// <summary>
    /// The scope writes the rows of new resources at commit: another transaction creating one of the same ids at the
    /// same moment surfaces here, as the 409 it would have been at the entry.
    /// </summary>
    internal static async Task CommitAsync(IWriteScope scope, CancellationToken ct)
    {
        try
        {
            await scope.CommitAsync(ct);
        }
        catch (Storage.Model.ConcurrentWriteException ex)
        {
            throw FhirProblem.Of(ProblemKind.Conflict, "conflict", ex.Message);
        }
    }

    /// <summary>Settles the id an entry will have, so that references to its fullUrl can be rewritten before anything is written.</summary>
    private static async Task IdentifyAsync(IWriteScope scope, EntryRequest entry, Dictionary<string, string> byFullUrl, EntryResult?[] results, CancellationToken ct)
    {
        switch (entry.Method)
        {
            case "POST":
                ResourceIdentity.RequireType(entry.Type);
                if (entry.IfNoneExist is { } condition)
                {
                    var matches = await ScopedWrites.MatchAsync(scope, entry.Type, condition, 2, ct);
                    if (matches.Count > 1)
                        throw FhirProblem.Of(ProblemKind.VersionMismatch, "multiple-matches", $"ifNoneExist matches more than one {entry.Type}.");
                    if (matches.Count == 1)
                    {
                        // already there: nothing is created, and references to this entry point at the match
                        results[entry.Index] = new EntryResult(200, matches[0]);
                        entry.Id = matches[0].Id;
                        break;
                    }
                }
                entry.Id = Guid.CreateVersion7().ToString();
                break;
            case "PUT" or "PATCH" when entry.Id is null:
                ResourceIdentity.RequireType(entry.Type);
                var found = await ScopedWrites.MatchAsync(scope, entry.Type, entry.Criteria!, 2, ct);
                if (found.Count > 1)
                    throw FhirProblem.Of(ProblemKind.VersionMismatch, "multiple-matches", $"The conditional {entry.Method} matches more than one {entry.Type}.");
                if (found.Count == 1)
                {
                    entry.Id = found[0].Id;
                    if (entry.Resource is not null && entry.Method == "PUT") entry.Resource["id"] = entry.Id;
                }
                else if (entry.Method == "PUT") entry.Id = (string?)(entry.Resource?["id"] as JsonValue) ?? Guid.CreateVersion7().ToString();
                else throw FhirProblem.Of(ProblemKind.NotFound, "not-found", $"The conditional PATCH matches no {entry.Type}.");
                break;
        }
        if (entry.FullUrl is { } fullUrl && entry.Id is not null && entry.Method is "POST" or "PUT" or "PATCH")
            byFullUrl[fullUrl] = $"{entry.Type}/{entry.Id}";
    }

    /// <summary>Runs one step of an entry; a failure names the entry (and keeps its status) so that the client knows which one failed.</summary>
    private static async Task<T> Named<T>(EntryRequest entry, Func<Task<T>> step)
    {
        try
        {
            return await step();
        }
        catch (FhirProblem problem)
        {
            throw new FhirProblem(problem.Kind, problem.Issues.Select(i => i with
            {
                Expression = i.Expression is null ? $"Bundle.entry[{entry.Index}]" : $"Bundle.entry[{entry.Index}].resource.{i.Expression}",
                Message = $"Bundle.{entry.Label}: {i.Message}",
            }).ToList());
        }
    }

    private static Task Named(EntryRequest entry, Func<Task> step) => Named(entry, async () => { await step(); return true; });
}
