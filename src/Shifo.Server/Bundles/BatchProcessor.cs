using System.Text.Json.Nodes;
using Shifo.Server.Http;
using Shifo.Server.Pipeline;
using Shifo.Storage;

namespace Shifo.Server.Bundles;

/// <summary>
/// A batch Bundle: every entry on its own, each in its own write scope, each with its own outcome; a failing entry
/// leaves the others as they are. Entries may not depend on each other (no fullUrl references are resolved).
/// </summary>
public sealed class BatchProcessor(IResourceStore store, EntryExecutor executor)
{
    public async Task<byte[]> ProcessAsync(JsonArray entryNodes, string baseUrl, bool minimal, CancellationToken ct)
    {
        var results = new List<EntryResult>(entryNodes.Count);
        for (var i = 0; i < entryNodes.Count; i++)
        {
            try
            {
                var entry = EntryRequest.Parse(entryNodes[i], i, baseUrl);
                await using var scope = await store.BeginWriteScopeAsync(ct);
                var result = await executor.RunAsync(scope, entry, baseUrl, ct);
                await TransactionProcessor.CommitAsync(scope, ct);
                results.Add(result);
            }
            catch (FhirProblem problem)
            {
                results.Add(new EntryResult(ProblemStatus.Of(problem.Kind), null, null, problem.Issues));
            }
        }
        return ResponseBundle.Write("batch-response", baseUrl, results, minimal);
    }
}
