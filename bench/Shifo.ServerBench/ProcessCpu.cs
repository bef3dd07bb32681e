using System.Globalization;

namespace Shifo.ServerBench;

/// <summary>
/// CPU time consumed by a process and, for PostgreSQL's postmaster, by its backends (live ones and those already
/// reaped), from /proc. CPU per resource does not depend on what else the shared machine runs, unlike the rate.
/// </summary>
public static class ProcessCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Seconds of CPU of <paramref name="pid"/>, plus its children's when <paramref name="withChildren"/>.</summary>
    public static double Seconds(int pid, bool withChildren = false)
    {
        if (pid <= 0 || Stat(pid) is not { } stat) return double.NaN;
        var total = stat.Own + (withChildren ? stat.Reaped : 0);
        if (withChildren)
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
                if (int.TryParse(Path.GetFileName(dir), out var child) && Stat(child) is { } c && c.Parent == pid) total += c.Own;
        return total / TicksPerSecond;
    }

    private static (int Parent, long Own, long Reaped)? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // the fields after the command name, which is in parentheses and may hold spaces
            var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            long L(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
            // f[0] is field 3 (state): ppid 4, utime 14, stime 15, cutime 16, cstime 17
            return (int.Parse(f[1], CultureInfo.InvariantCulture), L(11) + L(12), L(13) + L(14));
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
