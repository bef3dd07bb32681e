using System.Diagnostics;

namespace Shifo.Import;

/// <summary>One input that did not load: where it is (file and line; a Bundle file counts as line 1), how many resources it held, why.</summary>
public sealed record ImportFailure(string File, long Line, int Resources, string Message);

/// <summary>What an import did so far: resources loaded per type, failures, bytes read (for progress), time.</summary>
public sealed class ImportReport
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, long> _loaded = new(StringComparer.Ordinal);
    private readonly List<ImportFailure> _failures = [];

    /// <summary>Called after every write (batch or Bundle) so that a caller can show progress.</summary>
    public Action<ImportReport>? Progress { get; set; }

    public IReadOnlyDictionary<string, long> Loaded => _loaded;
    public IReadOnlyList<ImportFailure> Failures => _failures;
    public long TotalLoaded { get; private set; }
    public long TotalFailed { get; private set; }

    /// <summary>Input bytes consumed, against <see cref="TotalBytes"/> when the caller knows it.</summary>
    public long BytesDone { get; set; }
    public long TotalBytes { get; set; }

    public TimeSpan Elapsed => _clock.Elapsed;
    public double ResourcesPerSecond => TotalLoaded / Math.Max(Elapsed.TotalSeconds, 1e-3);

    public void AddLoaded(string type, long count = 1)
    {
        _loaded[type] = _loaded.GetValueOrDefault(type) + count;
        TotalLoaded += count;
    }

    public void AddFailure(ImportFailure failure)
    {
        _failures.Add(failure);
        TotalFailed += failure.Resources;
    }

    public void Stop() => _clock.Stop();

    internal void Report() => Progress?.Invoke(this);
}
