using Shifo.Fhir.Model;
using Shifo.Fhir.Outcomes;
using Shifo.Fhir.Validation;
using Shifo.Storage;
using Shifo.Storage.Model;

namespace Shifo.Import;

/// <summary>
/// Loads resources straight into a store: each one validated (an invalid one is a failure, never stored), then
/// written with <see cref="IResourceStore.CreateBatchAsync"/> in batches of about <c>batchSize</c> resources, which
/// index them as any write does. A transaction Bundle is one unit: all its resources or none. When a batch fails
/// (e.g. an id that exists already) its units are retried one by one, so that one bad unit fails alone.
/// </summary>
public sealed class StoreImporter(IResourceStore store, FhirValidator validator, ImportReport report, int batchSize = 500)
{
    private sealed record Unit(string File, long Line, List<ElementNode> Resources);

    private readonly List<Unit> _pending = [];
    private int _pendingResources;

    public async Task ImportFileAsync(string path, CancellationToken ct = default)
    {
        if (ImportFiles.IsNdjson(path))
        {
            await using var stream = File.OpenRead(path);
            await ImportNdjsonAsync(path, stream, ct);
        }
        else await ImportBundleAsync(path, await File.ReadAllBytesAsync(path, ct), ct);
    }

    public async Task ImportNdjsonAsync(string name, Stream stream, CancellationToken ct = default)
    {
        foreach (var (line, json, bytes) in ImportFiles.Lines(stream))
        {
            report.BytesDone += bytes;
            var result = validator.Validate(json);
            if (!result.IsValid || result.Resource is null)
            {
                report.AddFailure(new ImportFailure(name, line, 1, FirstError(result.Issues)));
                continue;
            }
            var resource = result.Resource;
            // a line without an id gets one, as a create on a server would
            if (resource.Child("id")?.Value is null) ResourceStamp.Apply(resource, Guid.CreateVersion7().ToString(), 1, DateTimeOffset.UtcNow);
            await AddAsync(new Unit(name, line, [resource]), ct);
        }
    }

    public async Task ImportBundleAsync(string name, byte[] json, CancellationToken ct = default)
    {
        report.BytesDone += json.Length;
        PreparedBundle bundle;
        try
        {
            bundle = BundlePreparer.Prepare(json);
        }
        catch (FormatException ex)
        {
            report.AddFailure(new ImportFailure(name, 1, 0, ex.Message));
            return;
        }
        var valid = new List<ElementNode>(bundle.Entries.Count);
        foreach (var entry in bundle.Entries)
        {
            var result = validator.Validate(entry.Json);
            if (result.IsValid && result.Resource is not null) { valid.Add(result.Resource); continue; }
            var message = $"entry[{entry.Index}]: {FirstError(result.Issues)}";
            if (bundle.Transaction)
            {
                // a transaction is all or nothing: one invalid entry fails the whole Bundle, as on a server
                report.AddFailure(new ImportFailure(name, 1, bundle.Entries.Count, message));
                return;
            }
            report.AddFailure(new ImportFailure(name, 1, 1, message));
        }
        if (bundle.Transaction) await AddAsync(new Unit(name, 1, valid), ct);
        else foreach (var resource in valid) await AddAsync(new Unit(name, 1, [resource]), ct);
    }

    /// <summary>Writes what is still pending; call once at the end.</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        if (_pending.Count == 0) return;
        var units = _pending.ToList();
        _pending.Clear();
        _pendingResources = 0;
        try
        {
            await store.CreateBatchAsync(units.SelectMany(u => u.Resources).ToList(), ct);
            foreach (var unit in units) Loaded(unit);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && units.Count > 1)
        {
            foreach (var unit in units) await WriteAloneAsync(unit, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            report.AddFailure(new ImportFailure(units[0].File, units[0].Line, units[0].Resources.Count, ex.Message));
        }
        report.Report();
    }

    private async Task AddAsync(Unit unit, CancellationToken ct)
    {
        _pending.Add(unit);
        _pendingResources += unit.Resources.Count;
        if (_pendingResources >= batchSize) await FlushAsync(ct);
    }

    private async Task WriteAloneAsync(Unit unit, CancellationToken ct)
    {
        try
        {
            await store.CreateBatchAsync(unit.Resources, ct);
            Loaded(unit);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            report.AddFailure(new ImportFailure(unit.File, unit.Line, unit.Resources.Count, ex.Message));
        }
    }

    private void Loaded(Unit unit)
    {
        foreach (var resource in unit.Resources) report.AddLoaded(resource.TypeName);
    }

    private static string FirstError(IReadOnlyList<Issue> issues)
    {
        var errors = issues.Where(i => i.IsError).ToList();
        if (errors.Count == 0) return "not a resource";
        var first = errors[0].Expression is { } at ? $"{at}: {errors[0].Message}" : errors[0].Message;
        return errors.Count > 1 ? $"{first} (and {errors.Count - 1} more)" : first;
    }
}
