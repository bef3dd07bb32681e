using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Shifo.Fhir.Model;
using Shifo.Fhir.Validation;
using Shifo.Storage;

namespace Shifo.ServerBench;

/// <summary>
/// Loads copies [from, to) of the Synthea patients (and the shared bundles when from is 0) straight into the store:
/// every resource validated like a create, then written with its index rows through <see cref="IResourceStore.CreateBatchAsync"/>,
/// one transaction per batch. Validation runs on <c>workers</c> threads while batches are written.
/// As reference for the rate, the same run first times parse + validate alone on one thread.
/// </summary>
public static class Loader
{
    public static async Task<int> RunAsync(StoreOptions options, int from, int to, int batchSize, int workers, TimeSpan limit)
    {
        var (shared, patients) = SyntheaSource.Read();
        var validator = new FhirValidator();
        var reference = ValidateOnlyRate(validator, patients);

        await using var store = ResourceStoreFactory.Create(options);
        await store.InitializeAsync();
        using var cts = new CancellationTokenSource(limit);
        var batches = Channel.CreateBounded<List<byte[]>>(workers * 2);
        long loaded = 0, rejected = 0;
        var clock = Stopwatch.StartNew();

        var producer = Task.Run(async () =>
        {
            try
            {
                var batch = new List<byte[]>(batchSize);
                var source = from == 0 ? SyntheaMultiplier.Shared(shared) : [];
                source = source.Concat(Enumerable.Range(from, to - from).SelectMany(k => patients.SelectMany(b => SyntheaMultiplier.Copy(b, k))));
                foreach (var r in source)
                {
                    batch.Add(JsonSerializer.SerializeToUtf8Bytes(r.Resource));
                    if (batch.Count < batchSize) continue;
                    await batches.Writer.WriteAsync(batch, cts.Token);
                    batch = new List<byte[]>(batchSize);
                }
                if (batch.Count > 0) await batches.Writer.WriteAsync(batch, cts.Token);
            }
            finally { batches.Writer.Complete(); }
        });

        var progress = Stopwatch.StartNew();
        var consumers = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(cts.Token))
            {
                var nodes = new List<ElementNode>(batch.Count);
                foreach (var json in batch)
                {
                    var result = validator.Validate(json);
                    if (result.Resource is not null && result.IsValid) nodes.Add(result.Resource);
                    else if (Interlocked.Increment(ref rejected) <= 3)
                        Console.Error.WriteLine("rejected: " + result.ToOperationOutcomeJson()[..Math.Min(400, result.ToOperationOutcomeJson().Length)]);
                }
                await store.CreateBatchAsync(nodes, cts.Token);
                var n = Interlocked.Add(ref loaded, nodes.Count);
                lock (progress)
                    if (progress.Elapsed.TotalSeconds >= 30)
                    {
                        Console.Error.WriteLine($"  loaded {n:N0} in {clock.Elapsed.TotalSeconds:F0} s ({n / clock.Elapsed.TotalSeconds:F0}/s)");
                        progress.Restart();
                    }
            }
        })).ToList();
        await Task.WhenAll(consumers.Append(producer));
        var seconds = clock.Elapsed.TotalSeconds;
        var rate = loaded / seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load\t{store.Kind}\tcopies {from}-{to}\t{loaded}\tresources\t{seconds:F1}\ts\t{rate:F0}\tper s\treference parse+validate 1 thread {reference:F0} per s\tratio {rate / reference:F2}\trejected {rejected}"));
        return rejected == 0 ? 0 : 1;
    }

    /// <summary>Resources per second that one thread parses and validates (one copy of the patients, after a warm-up).</summary>
    private static double ValidateOnlyRate(FhirValidator validator, IReadOnlyList<SourceBundle> patients)
    {
        var sample = patients.SelectMany(b => SyntheaMultiplier.Copy(b, 0)).Select(r => JsonSerializer.SerializeToUtf8Bytes(r.Resource)).ToList();
        foreach (var json in sample.Take(500)) validator.Validate(json);
        var clock = Stopwatch.StartNew();
        foreach (var json in sample) validator.Validate(json);
        return sample.Count / clock.Elapsed.TotalSeconds;
    }
}
