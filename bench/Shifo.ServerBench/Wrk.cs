using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Shifo.ServerBench;

/// <summary>What one wrk run measured.</summary>
public sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Errors);

/// <summary>
/// Runs wrk (Debian's package) against loopback: one thread, a fixed number of keep-alive connections, a fixed
/// duration — bounded in time by wrk itself and by a kill deadline here. Paths come from a file, one per line,
/// taken at random by a Lua script so that reads do not hit one cached row.
/// </summary>
public static partial class Wrk
{
    /// <param name="authorization">An Authorization header value for every request (passed to wrk through its environment, never written to disk).</param>
    public static WrkResult Run(string baseUrl, string pathsFile, int connections, int seconds, string? authorization = null)
    {
        var script = Path.Combine(Path.GetDirectoryName(pathsFile)!, "paths.lua");
        File.WriteAllText(script, """
            local paths = {}
            for line in io.lines(os.getenv("SHIFO_WRK_PATHS")) do paths[#paths + 1] = line end
            math.randomseed(os.time())
            local headers = { ["Accept"] = "application/fhir+json" }
            local authorization = os.getenv("SHIFO_WRK_AUTHORIZATION")
            if authorization ~= nil and authorization ~= "" then headers["Authorization"] = authorization end
            request = function()
              return wrk.format("GET", paths[math.random(#paths)], headers)
            end
            """);
        var psi = new ProcessStartInfo("wrk", ["-t1", $"-c{connections}", $"-d{seconds}s", "--timeout", "5s", "--latency", "-s", script, baseUrl])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["SHIFO_WRK_PATHS"] = pathsFile;
        psi.Environment["SHIFO_WRK_AUTHORIZATION"] = authorization ?? "";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("wrk did not start: apt-get install wrk");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(seconds + 30)))
        {
            p.Kill();
            throw new TimeoutException("wrk did not finish in time");
        }
        var text = stdout.Result;
        if (p.ExitCode != 0) throw new InvalidOperationException($"wrk failed: {stderr.Result}{text}");
        var rps = Number(RequestsPerSec().Match(text));
        var requests = (long)Number(RequestsLine().Match(text));
        var errors = (long)(NonSuccess().Match(text) is { Success: true } m ? Number(m) : 0)
            + SocketErrors().Matches(text).Sum(e => (long)Number(e));
        return new WrkResult(rps, Millis(Percentile("50", text)), Millis(Percentile("99", text)), requests, errors);
    }

    private static double Number(Match m) =>
        m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : throw new FormatException("unexpected wrk output");

    private static string Percentile(string p, string text) =>
        Regex.Match(text, $@"^\s+{p}%\s+(\S+)", RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value : "0ms";

    private static double Millis(string value)
    {
        var m = Regex.Match(value, @"^([\d.]+)(us|ms|s|m)$");
        if (!m.Success) return double.NaN;
        var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => n / 1000, "ms" => n, "s" => n * 1000, _ => n * 60_000 };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")] private static partial Regex RequestsPerSec();
    [GeneratedRegex(@"(\d+) requests in")] private static partial Regex RequestsLine();
    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")] private static partial Regex NonSuccess();
    [GeneratedRegex(@"(?:connect|read|write|timeout) (\d+)")] private static partial Regex SocketErrors();
}
