using Shifo.Fhir.Model;
using Shifo.Fhir.Serialization;
using Shifo.Storage.Indexing;
using Shifo.Storage.Model;
using Shifo.Storage.Search.Paging;

namespace Shifo.Storage.Relational;

/// <summary>Bulk create: many new resources with their ids, versions and index rows in one transaction.</summary>
public sealed partial class RelationalResourceStore
{
    public async Task<IReadOnlyList<StoredResource>> CreateBatchAsync(IReadOnlyList<ElementNode> resources, CancellationToken ct = default)
    {
        if (resources.Count == 0) return [];
        var lastUpdated = DateTimeOffset.FromUnixTimeMilliseconds(SnapshotFence.WriteTime(_clock));
        var stored = new List<StoredResource>(resources.Count);
        var rows = new List<(StoredResource, IndexRow)>();
        // stamping, serializing and index extraction happen before the transaction opens: it stays short
        foreach (var resource in resources)
        {
            var id = resource.Child("id")?.Value ?? throw new ArgumentException($"A {resource.TypeName} of the batch has no id.", nameof(resources));
            ResourceStamp.Apply(resource, id, 1, lastUpdated);
            var s = new StoredResource(resource.TypeName, id, 1, lastUpdated, ChangeKind.Create, FhirJsonWriter.ToUtf8(resource));
            stored.Add(s);
            foreach (var row in indexer.Extract(resource)) rows.Add((s, row));
        }

        await using var connection = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(connection, ct);
        try
        {
            await BatchInsert.WriteAsync(dialect, connection, tx, stored, rows, ct);
            await tx.CommitAsync(ct);
            return stored;
        }
        catch (Exception ex) when (dialect.IsUniqueViolation(ex))
        {
            throw new ConcurrentWriteException(stored[0].ResourceType, stored[0].Id, ex);
        }
    }
}
