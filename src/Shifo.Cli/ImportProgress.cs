using System.Globalization;
using Shifo.Import;

namespace Shifo.Cli;

/// <summary>
/// Shows an import's progress on stderr: a bar redrawn in place on a terminal, else a plain line every few
/// seconds (logs and pipes). Counts only, never resource content.
/// </summary>
public sealed class ImportProgress(TextWriter stderr, bool terminal)
{
    private readonly TimeSpan _every = terminal ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(5);
    private TimeSpan? _last;
    private bool _drawn;

    public void Update(ImportReport report)
    {
        if (_last is { } last && report.Elapsed - last < _every) return;
        _last = report.Elapsed;
        var fraction = report.TotalBytes > 0 ? Math.Clamp((double)report.BytesDone / report.TotalBytes, 0, 1) : 0;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{fraction * 100,3:0}% {report.TotalLoaded:N0} loaded, {report.TotalFailed:N0} failed, {report.ResourcesPerSecond:0} resources/s");
        if (terminal)
        {
            const int width = 30;
            var filled = (int)(fraction * width);
            stderr.Write($"\r[{new string('#', filled)}{new string('-', width - filled)}] {text}  ");
            _drawn = true;
        }
        else stderr.WriteLine("import: " + text);
    }

    /// <summary>Ends the bar's line so that the summary starts on a fresh one.</summary>
    public void Done()
    {
        if (_drawn) stderr.WriteLine();
    }
}
