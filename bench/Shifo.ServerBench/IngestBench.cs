using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace Shifo.ServerBench;

/// <summary>
/// Issue 4's ingest benchmark (bench/ingest/run.sh runs it end to end): `shifo synth` output into a running server on
/// PostgreSQL, as transaction Bundles posted by a few concurrent clients or through $import, against the reference of
/// the same run, PostgreSQL COPY of the same resource JSON lines into a bare table. Each prints one Markdown table row.
/// </summary>
public static class IngestBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>COPY of every NDJSON line of the folder into `bare(doc jsonb)`: the reference rate.</summary>
    public static async Task<int> CopyAsync(string connectionString, string ndjsonFolder, int postgresPid)
    {
        var files = Directory.GetFiles(ndjsonFolder, "*.ndjson").Order(StringComparer.Ordinal).ToArray();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("DROP TABLE IF EXISTS bare; CREATE TABLE bare (doc jsonb NOT NULL)", connection))
            await create.ExecuteNonQueryAsync();
        long lines = 0, bytes = 0;
        var cpu = ProcessCpu.Seconds(postgresPid, withChildren: true);
        var clock = Stopwatch.StartNew();
        // CSV with quote and delimiter characters JSON never holds raw: each line arrives as it is, backslashes included
        await using (var writer = await connection.BeginTextImportAsync("COPY bare (doc) FROM STDIN (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"))
            foreach (var file in files)
                foreach (var line in File.ReadLines(file))
                {
                    if (line.Length == 0) continue;
                    await writer.WriteLineAsync(line);
                    lines++;
                    bytes += line.Length + 1;
                }
        var seconds = clock.Elapsed.TotalSeconds;
        var cpuPerResource = (ProcessCpu.Seconds(postgresPid, withChildren: true) - cpu) / lines;
        Console.WriteLine(string.Create(Inv,
            $"| COPY into bare(doc jsonb) | {lines:N0} ({bytes / 1e6:F0} MB) | {seconds:F1} s | {lines / seconds:F0}/s | 1.00 | | – | {Micro(cpuPerResource)} | 1.00 | | |"));
        await File.WriteAllTextAsync(Path.Combine(ndjsonFolder, "..", "copy-reference"), string.Create(Inv, $"{lines / seconds:R} {cpuPerResource:R}"));
        return 0;
    }

    /// <summary>
    /// Posts the directory Bundles first (the facilities and practitioners every patient refers to), then every
    /// patient's transaction Bundle, <paramref name="clients"/> at a time.
    /// </summary>
    public static async Task<int> TransactionsAsync(string baseUrl, string bundleFolder, int clients, int serverPid, int postgresPid, string copyReference)
    {
        var cpu = new CpuSpan(serverPid, postgresPid, copyReference);
        var half = 0L;
        var directory = Directory.GetFiles(bundleFolder, "directory-*.json").Order(StringComparer.Ordinal).ToArray();
        var patients = Directory.GetFiles(bundleFolder, "patient-*.json").Order(StringComparer.Ordinal).ToArray();
        half = directory.Concat(patients).Sum(EntryCount) / 2;
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(10) };
        var progress = new Progress();
        var failures = 0;
        var clock = Stopwatch.StartNew();

        async Task PostAsync(string file)
        {
            var body = await File.ReadAllBytesAsync(file);
            var entries = EntryCount(body);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "fhir") { Content = content };
            request.Headers.Add("Prefer", "return=minimal");
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                if (Interlocked.Increment(ref failures) <= 3)
                    Console.Error.WriteLine($"{Path.GetFileName(file)}: {(int)response.StatusCode} {Truncate(await response.Content.ReadAsStringAsync())}");
                return;
            }
            cpu.Mark(progress.Add(entries, clock.Elapsed.TotalSeconds), half);
        }

        foreach (var file in directory) await PostAsync(file);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < patients.Length) await PostAsync(patients[i]);
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        var rate = progress.Total / seconds;
        Console.WriteLine(string.Create(Inv,
            $"| transaction Bundles ({directory.Length + patients.Length:N0}), {clients} clients | {progress.Total:N0} | {seconds:F1} s | {rate:F0}/s | {rate / cpu.CopyRate:F3} | {progress.Edges()} | {cpu.Row(progress.Total)} | {PeakRss(serverPid)} | {failures} |"));
        return failures == 0 ? 0 : 1;
    }

    /// <summary>$import of the NDJSON files (already in the server's import folder), timed from kick-off to the completed job.</summary>
    public static async Task<int> ImportAsync(string baseUrl, string connectionString, string importFolder, int serverPid, int postgresPid, string copyReference)
    {
        var files = Directory.GetFiles(importFolder, "*.ndjson").Order(StringComparer.Ordinal).ToArray();
        var total = files.Sum(f => File.ReadLines(f).LongCount(l => l.Length > 0));
        // referenced types first, so that the references of later files point at resources already in
        string[] order = ["Organization", "Location", "Practitioner", "PractitionerRole", "Patient"];
        var input = new JsonArray([.. files.Select(Path.GetFileNameWithoutExtension).OrderBy(t => Array.IndexOf(order, t) is var k && k < 0 ? order.Length : k)
            .ThenBy(t => t, StringComparer.Ordinal)
            .Select(t => (JsonNode)new JsonObject { ["type"] = t, ["url"] = t + ".ndjson" })]);
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(5) };
        using var kickoff = new HttpRequestMessage(HttpMethod.Post, "fhir/$import")
        {
            Content = new StringContent(new JsonObject { ["input"] = input }.ToJsonString(), Encoding.UTF8, "application/fhir+json"),
        };
        kickoff.Headers.Add("Prefer", "respond-async");
        var cpu = new CpuSpan(serverPid, postgresPid, copyReference);
        var clock = Stopwatch.StartNew();
        using var accepted = await http.SendAsync(kickoff);
        if ((int)accepted.StatusCode != 202)
        {
            Console.Error.WriteLine($"$import kick-off: {(int)accepted.StatusCode} {Truncate(await accepted.Content.ReadAsStringAsync())}");
            return 1;
        }

        // the job's committed position (lines done), sampled from the database: the first and last 10 % of the run
        var progress = new Progress();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        long position = 0;
        string state = "";
        while (clock.Elapsed < TimeSpan.FromHours(3))
        {
            await using var cmd = new NpgsqlCommand("SELECT position, status FROM bulk_job WHERE kind = 'import' ORDER BY created_at DESC LIMIT 1", connection);
            await using (var reader = await cmd.ExecuteReaderAsync())
                if (await reader.ReadAsync()) (position, state) = (reader.GetInt64(0), reader.GetString(1));
            progress.Set(position, clock.Elapsed.TotalSeconds);
            cpu.Mark(position, total / 2);
            if (state is not ("queued" or "running")) break;
            await Task.Delay(200);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        long stored;
        await using (var count = new NpgsqlCommand("SELECT COUNT(*) FROM resource", connection)) stored = (long)(await count.ExecuteScalarAsync())!;
        var rate = stored / seconds;
        Console.WriteLine(string.Create(Inv,
            $"| $import ({files.Length} files, {state}) | {stored:N0} | {seconds:F1} s | {rate:F0}/s | {rate / cpu.CopyRate:F3} | {progress.Edges()} | {cpu.Row(stored)} | {PeakRss(serverPid)} | {total - stored} |"));
        return stored == total ? 0 : 1;
    }

    /// <summary>
    /// CPU of the server and of PostgreSQL per resource over the second half of a run (<see cref="Mark"/> at the half
    /// to <see cref="Row"/>): the first half carries the server's start (JIT, caches); beside COPY's CPU per resource.
    /// </summary>
    private sealed class CpuSpan(int serverPid, int postgresPid, string copyReference)
    {
        private readonly double[] _copy = [.. File.ReadAllText(copyReference).Split(' ').Select(x => double.Parse(x, Inv))];
        private readonly Lock _gate = new();
        private (long Done, double Server, double Postgres)? _half;

        public double CopyRate => _copy[0];

        /// <summary>Called as resources complete; the first call at or past <paramref name="half"/> takes the snapshot.</summary>
        public void Mark(long done, long half)
        {
            if (done < half || _half is not null) return;
            lock (_gate) _half ??= (done, ProcessCpu.Seconds(serverPid), ProcessCpu.Seconds(postgresPid, withChildren: true));
        }

        /// <summary>server CPU | PostgreSQL CPU | COPY's CPU per resource ÷ (server + PostgreSQL) per resource</summary>
        public string Row(long resources)
        {
            if (_half is not { } half || resources <= half.Done) return "? | ? | ?";
            var n = resources - half.Done;
            var server = (ProcessCpu.Seconds(serverPid) - half.Server) / n;
            var postgres = (ProcessCpu.Seconds(postgresPid, withChildren: true) - half.Postgres) / n;
            return string.Create(Inv, $"{Micro(server)} | {Micro(postgres)} | {_copy[1] / (server + postgres):F3}");
        }
    }

    private static string Micro(double seconds) => string.Create(Inv, $"{seconds * 1e6:F0} µs");

    /// <summary>Resources done over time; the rate of the first and of the last 10 % of them.</summary>
    private sealed class Progress
    {
        private readonly Lock _gate = new();
        private readonly List<(long Done, double Seconds)> _samples = [(0, 0)];
        public long Total { get; private set; }

        public long Add(long count, double seconds)
        {
            lock (_gate) { Total += count; _samples.Add((Total, seconds)); return Total; }
        }

        public void Set(long done, double seconds)
        {
            lock (_gate) { Total = done; _samples.Add((done, seconds)); }
        }

        public string Edges()
        {
            if (Total == 0) return "–";
            double At(long done) => _samples.First(s => s.Done >= done).Seconds;
            var tenth = Math.Max(1, Total / 10);
            var first = tenth / Math.Max(At(tenth), 1e-3);
            var lastStart = Total - tenth;
            var lastFrom = _samples.Last(s => s.Done <= lastStart);
            var last = (Total - lastFrom.Done) / Math.Max(_samples[^1].Seconds - lastFrom.Seconds, 1e-3);
            return string.Create(Inv, $"{first:F0}/s → {last:F0}/s");
        }
    }

    /// <summary>The server's peak resident memory (VmHWM) so far.</summary>
    private static string PeakRss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? "?" : string.Create(Inv, $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], Inv) / 1024} MB");
        }
        catch (IOException) { return "?"; }
    }

    private static long EntryCount(string file) => EntryCount(File.ReadAllBytes(file));

    private static int EntryCount(byte[] bundle)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(bundle);
        return doc.RootElement.TryGetProperty("entry", out var entries) ? entries.GetArrayLength() : 0;
    }

    private static string Truncate(string s) => s.Length > 300 ? s[..300] + "…" : s;
}
