using System.Collections.Concurrent;

namespace Shifo.Server.Security.Enforcement;

/// <summary>
/// When, on this node, the facts behind each patient's access decisions last changed (a logical clock, not time): an
/// answer looked up at stamp <c>s</c> (<see cref="Now"/>, taken BEFORE the look-up) still holds while no change of
/// its patient is later than <c>s</c>. So a write of one patient's Encounter drops that patient's answers only, not
/// every caller's answers about everyone. Writers report a change after their commit (and may report it before too).
/// </summary>
public sealed class PatientChangeLog
{
    private const int Limit = 200_000;
    private readonly ConcurrentDictionary<string, long> _changed = new(StringComparer.Ordinal);
    private long _clock;
    // every answer stamped before this is stale: the per-patient log was cleared to bound its size
    private long _floor;

    public long Now => Interlocked.Read(ref _clock);

    public void Changed(string patient)
    {
        var at = Interlocked.Increment(ref _clock);
        if (_changed.Count >= Limit)
        {
            _changed.Clear();
            // after the clear: whatever it dropped is covered by a floor later than it
            RaiseFloor(Interlocked.Increment(ref _clock));
        }
        // the latest change wins even when two writers report out of order
        _changed.AddOrUpdate(patient, at, (_, known) => Math.Max(known, at));
    }

    public void ChangedAll() => RaiseFloor(Interlocked.Increment(ref _clock));

    public bool IsFresh(string patient, long stamp) =>
        Interlocked.Read(ref _floor) <= stamp && (!_changed.TryGetValue(patient, out var at) || at <= stamp);

    public bool IsFresh(long stamp) => Interlocked.Read(ref _floor) <= stamp;

    private void RaiseFloor(long value)
    {
        var seen = Interlocked.Read(ref _floor);
        while (seen < value)
        {
            var was = Interlocked.CompareExchange(ref _floor, value, seen);
            if (was == seen) return;
            seen = was;
        }
    }
}
