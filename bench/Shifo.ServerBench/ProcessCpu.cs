using System.Globalization;

namespace Shifo.ServerBench;

/// <summary>
/// CPU time of processes from /proc (Linux): the server's, and a PostgreSQL cluster's (its postmaster and every
/// child, the backends serving the reads). CPU per request moves less with the machine's load than requests per
/// second, so the benchmarks print it beside the rates.
/// </summary>
public static class ProcessCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>User + system CPU seconds of <paramref name="pid"/> and, when asked, of its children; 0 when unreadable.</summary>
    public static double Seconds(int pid, bool withChildren = false)
    {
        var total = Own(pid);
        if (!withChildren) return total;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var child) && ParentOf(child) == pid)
                total += Own(child);
        return total;
    }

    private static double Own(int pid)
    {
        var fields = StatFields(pid);
        // utime and stime are fields 14 and 15 of /proc/PID/stat, i.e. 12 and 13 after the command name
        return fields is null ? 0 : (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    private static int ParentOf(int pid) => StatFields(pid) is { } f ? int.Parse(f[1], CultureInfo.InvariantCulture) : -1;

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
