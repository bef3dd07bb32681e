using System.Globalization;
using Shifo.Fhir.Validation;
using Shifo.Import;
using Shifo.Storage;

namespace Shifo.Cli.Commands;

/// <summary>
/// `shifo import PATH... (--server URL | --store sqlite:FILE | --store postgres:CONNSTRING) [--batch N]`: loads
/// NDJSON files and transaction/batch Bundles (folders in name order) into a running server or straight into a
/// store, with progress on stderr and a summary on stdout. A server with security on needs an access token in the
/// SHIFO_ACCESS_TOKEN environment variable. Exit 0: all loaded; 1: some failed; 2: bad input.
/// </summary>
public static class ImportCommand
{
    public const string Usage = "usage: shifo import PATH... (--server URL | --store sqlite:FILE | --store postgres:CONNSTRING) [--batch N]";
    private const int MaxFailuresShown = 20;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var paths = new List<string>();
        string? server = null, storeSpec = null;
        var batch = 500;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[++i]
                : throw new CliInputException($"import: {arg} needs a value; {Usage}");
            switch (arg)
            {
                case "--server": server = Value(); break;
                case "--store": storeSpec = Value(); break;
                case "--batch":
                    var b = Value();
                    if (!int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out batch) || batch is < 1 or > 100_000)
                        throw new CliInputException($"import: --batch expects a whole number from 1 to 100000, got '{b}'");
                    break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal)) throw new CliInputException($"import: unknown option '{arg}'; {Usage}");
                    paths.Add(arg);
                    break;
            }
        }
        if (paths.Count == 0) throw new CliInputException($"import: no file or folder given; {Usage}");
        if ((server is null) == (storeSpec is null)) throw new CliInputException($"import: give either --server or --store; {Usage}");

        try
        {
            var files = ImportFiles.Expand(paths);
            var report = new ImportReport { TotalBytes = files.Sum(f => new FileInfo(f).Length) };
            var progress = new ImportProgress(stderr, ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);
            report.Progress = progress.Update;
            if (server is not null) ToServerAsync(server, files, report, batch).GetAwaiter().GetResult();
            else ToStoreAsync(storeSpec!, files, report, batch).GetAwaiter().GetResult();
            report.Stop();
            progress.Done();
            WriteSummary(stdout, report);
            return report.Failures.Count == 0 ? ExitCodes.Ok : ExitCodes.Invalid;
        }
        catch (ImportInputException ex)
        {
            throw new CliInputException("import: " + ex.Message);
        }
    }

    private static async Task ToServerAsync(string url, IReadOnlyList<string> files, ImportReport report, int batch)
    {
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            throw new ImportInputException($"--server expects an http(s) FHIR base URL such as http://localhost:8080/fhir, got '{url}'");
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(5) };
        if (Environment.GetEnvironmentVariable(ServerImporter.AccessTokenVariable) is { Length: > 0 } token)
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Trim());
        var importer = new ServerImporter(http, report, batch);
        await importer.CheckReachableAsync();
        foreach (var file in files) await importer.ImportFileAsync(file);
    }

    private static async Task ToStoreAsync(string spec, IReadOnlyList<string> files, ImportReport report, int batch)
    {
        var options = StoreSpec.Parse(spec);
        await using var store = ResourceStoreFactory.Create(options);
        try
        {
            await store.InitializeAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ImportInputException($"cannot open the store {store.Location}: {ex.Message}", ex);
        }
        var importer = new StoreImporter(store, new FhirValidator(), report, batch);
        foreach (var file in files) await importer.ImportFileAsync(file);
        await importer.FlushAsync();
    }

    private static void WriteSummary(TextWriter stdout, ImportReport report)
    {
        var types = string.Join(", ", report.Loaded.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"import: {report.TotalLoaded} resources loaded{(types.Length > 0 ? $" ({types})" : "")}, {report.TotalFailed} failed{(report.Failures.Count > 0 ? $" in {report.Failures.Count} inputs" : "")}; "
            + $"{report.Elapsed.TotalSeconds:0.0} s, {report.ResourcesPerSecond:0} resources/s"));
        foreach (var f in report.Failures.Take(MaxFailuresShown))
            stdout.WriteLine($"failed: {f.File}:{f.Line}: {f.Message}");
        if (report.Failures.Count > MaxFailuresShown)
            stdout.WriteLine($"failed: ... and {report.Failures.Count - MaxFailuresShown} more inputs");
    }
}
