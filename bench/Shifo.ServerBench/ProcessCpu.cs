using System.Globalization;

namespace Shifo.ServerBench;

/// <summary>
/// CPU time of processes from /proc (Linux): the server's, and a PostgreSQL cluster's (its postmaster and every
/// child, the backends serving the requests, including backends already gone: the postmaster's reaped-children
/// times). CPU per request moves less with the machine's load than requests per second, so the benchmarks print it
/// beside the rates.
/// </summary>
public static class ProcessCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>User + system CPU seconds of <paramref name="pid"/> and, when asked, of its children; 0 when unreadable.</summary>
    public static double Seconds(int pid, bool withChildren = false)
    {
        if (pid <= 0 || StatFields(pid) is not { } fields) return 0;
        // utime, stime, cutime, cstime are fields 14 to 17 of /proc/PID/stat, i.e. 12 to 15 after the command name
        var total = Ticks(fields, 11) + Ticks(fields, 12);
        if (!withChildren) return total / TicksPerSecond;
        total += Ticks(fields, 13) + Ticks(fields, 14);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var child) && StatFields(child) is { } c && c[1] == pid.ToString(CultureInfo.InvariantCulture))
                total += Ticks(c, 11) + Ticks(c, 12);
        return total / TicksPerSecond;
    }

    private static long Ticks(string[] fields, int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);

    /// <summary>The fields after "(comm)" (the command name may hold spaces): state, ppid, ...; null when the process is gone.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
