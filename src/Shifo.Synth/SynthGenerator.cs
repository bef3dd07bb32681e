using System.Diagnostics;
using Shifo.Synth.Facilities;
using Shifo.Synth.Geography;
using Shifo.Synth.Patients;
using Shifo.Synth.Writers;

namespace Shifo.Synth;

/// <summary>What a run produced.</summary>
public sealed record SynthSummary(long Patients, IReadOnlyDictionary<string, long> Resources, TimeSpan Elapsed)
{
    public long TotalResources => Resources.Values.Sum();
}

/// <summary>
/// Generates a synthetic population of Uzbekistan: the health directory (facilities and physicians) first, then
/// patient after patient, each written to the sink as soon as it is made — memory does not grow with the number
/// of patients. Deterministic: each patient draws from its own random stream derived from (seed, patient number).
/// </summary>
public sealed class SynthGenerator
{
    private readonly SynthOptions _options;
    private readonly Region? _region;
    private readonly WeightedTable _regionTable;

    public SynthGenerator(SynthOptions options)
    {
        options.Validate();
        _options = options;
        _region = options.Region is null ? null : Regions.Find(options.Region);
        _regionTable = new WeightedTable(Regions.All.Select(r => (double)r.Population).ToList());
        PatientCount = options.Patients ?? _region?.Population ?? Regions.TotalPopulation;
        ExpectedPatients = _region is not null
            ? new Dictionary<Region, double> { [_region] = PatientCount }
            : Regions.All.ToDictionary(r => r, r => (double)PatientCount * r.Population / Regions.TotalPopulation);
    }

    public long PatientCount { get; }

    /// <summary>How many patients each region is expected to get (the directory is sized from it).</summary>
    public IReadOnlyDictionary<Region, double> ExpectedPatients { get; }

    /// <summary>Patient number <paramref name="i"/>'s random stream and region (drawn in proportion to population).</summary>
    internal (SynthRandom Rng, Region Region) StartPatient(long i)
    {
        var rng = SynthRandom.For(_options.Seed, "patient", i);
        return (rng, _region ?? Regions.All[_regionTable.Draw(rng)]);
    }

    public HealthDirectory BuildDirectory() => HealthDirectory.Build(_options.Seed, ExpectedPatients);

    /// <summary>Writes the whole population; <paramref name="progress"/> is told the number of patients done now and then.</summary>
    public SynthSummary Run(IResourceSink sink, Action<long>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var directory = BuildDirectory();
        directory.Write(sink, _options.Seed);
        var patients = new PatientGenerator(directory, _options.ReferenceDate);
        for (long i = 0; i < PatientCount; i++)
        {
            if ((i & 1023) == 0)
            {
                cancel.ThrowIfCancellationRequested();
                if (i > 0) progress?.Invoke(i);
            }
            var (rng, region) = StartPatient(i);
            patients.Generate(sink, rng, region);
        }
        progress?.Invoke(PatientCount);
        return new SynthSummary(PatientCount, new Dictionary<string, long>(sink.Counts), clock.Elapsed);
    }
}
