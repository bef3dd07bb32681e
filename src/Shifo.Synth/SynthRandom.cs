namespace Shifo.Synth;

/// <summary>
/// A small deterministic generator (xoshiro256**, seeded through SplitMix64). System.Random's algorithm is
/// not promised to stay the same across .NET versions; this one is, so a seed means the same output forever.
/// Each patient gets its own stream derived from (seed, patient number), so patients do not depend on each other's draws.
/// </summary>
public sealed class SynthRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SynthRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    /// <summary>An independent stream for one purpose (e.g. patient n) under one seed.</summary>
    public static SynthRandom For(long seed, string purpose, long n = 0)
    {
        var h = 1469598103934665603UL; // FNV-1a over the purpose: stable, unlike string.GetHashCode
        foreach (var c in purpose) { h ^= c; h *= 1099511628211UL; }
        var x = (ulong)seed * 0x9E3779B97F4A7C15UL ^ h ^ ((ulong)n * 0xD1B54A32D192ED03UL);
        return new SynthRandom(SplitMix(ref x));
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => n <= 0 ? throw new ArgumentOutOfRangeException(nameof(n)) : (int)((NextULong() >> 33) * (ulong)n >> 31);

    /// <summary>Uniform in [min, max].</summary>
    public int Between(int min, int max) => min + Next(max - min + 1);

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Normal(mean, sd) by Box–Muller.</summary>
    public double Normal(double mean, double sd)
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return mean + sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Poisson(lambda) by Knuth's method; lambda here is always small.</summary>
    public int Poisson(double lambda)
    {
        var l = Math.Exp(-lambda);
        var k = 0;
        var p = 1.0;
        do { k++; p *= NextDouble(); } while (p > l);
        return k - 1;
    }

    /// <summary>A random (version 4 layout) UUID from this stream, as lowercase text.</summary>
    public string Uuid()
    {
        Span<byte> b = stackalloc byte[16];
        BitConverter.TryWriteBytes(b, NextULong());
        BitConverter.TryWriteBytes(b[8..], NextULong());
        b[6] = (byte)((b[6] & 0x0F) | 0x40);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return Convert.ToHexStringLower(b[..4]) + "-" + Convert.ToHexStringLower(b[4..6]) + "-" + Convert.ToHexStringLower(b[6..8])
            + "-" + Convert.ToHexStringLower(b[8..10]) + "-" + Convert.ToHexStringLower(b[10..]);
    }
}

/// <summary>A fixed table of weights to draw an index from (cumulative sums, binary search).</summary>
public sealed class WeightedTable
{
    private readonly double[] _cumulative;

    public WeightedTable(IReadOnlyList<double> weights)
    {
        _cumulative = new double[weights.Count];
        var sum = 0.0;
        for (var i = 0; i < weights.Count; i++) { sum += weights[i]; _cumulative[i] = sum; }
        if (sum <= 0) throw new ArgumentException("The weights sum to zero.", nameof(weights));
    }

    public int Count => _cumulative.Length;
    public double Total => _cumulative[^1];

    public int Draw(SynthRandom rng)
    {
        var x = rng.NextDouble() * _cumulative[^1];
        var i = Array.BinarySearch(_cumulative, x);
        i = i < 0 ? ~i : i + 1;
        return Math.Min(i, _cumulative.Length - 1);
    }
}
