using System.Net.Http.Headers;
using System.Text.Json;

namespace Shifo.Import;

/// <summary>
/// Loads resources into a running FHIR server through its REST API: NDJSON lines go as batch Bundles of
/// <c>batchSize</c> entries (PUT Type/id, so the ids and the references between files hold; POST when a line has no
/// id), each line with its own outcome; Bundle files are POSTed as they are. The server validates and indexes.
/// </summary>
public sealed class ServerImporter(HttpClient http, ImportReport report, int batchSize = 500)
{
    private static readonly MediaTypeHeaderValue FhirJson = new("application/fhir+json");

    /// <summary>Checks that the FHIR base answers (GET metadata), so that a wrong URL is one clear message.</summary>
    /// <summary>The environment variable the `shifo import` command reads the server's access token from (not an argument: arguments show in process lists).</summary>
    public const string AccessTokenVariable = "SHIFO_ACCESS_TOKEN";

    public async Task CheckReachableAsync(CancellationToken ct = default)
    {
        try
        {
            using var response = await http.GetAsync("metadata", ct);
            if (!response.IsSuccessStatusCode)
                throw new ImportInputException($"the server at {http.BaseAddress} answered GET metadata with {(int)response.StatusCode}: is it a FHIR base URL?");
        }
        catch (HttpRequestException ex)
        {
            throw new ImportInputException($"cannot reach the server at {http.BaseAddress}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new ImportInputException($"the server at {http.BaseAddress} did not answer in time", ex);
        }
    }

    public async Task ImportFileAsync(string path, CancellationToken ct = default)
    {
        if (ImportFiles.IsNdjson(path))
        {
            await using var stream = File.OpenRead(path);
            await ImportNdjsonAsync(path, stream, ct);
        }
        else await ImportBundleAsync(path, await File.ReadAllBytesAsync(path, ct), ct);
    }

    public async Task ImportNdjsonAsync(string name, Stream stream, CancellationToken ct = default)
    {
        var batch = new List<(long Line, string Type, byte[] Json)>(batchSize);
        foreach (var (line, json, bytes) in ImportFiles.Lines(stream))
        {
            report.BytesDone += bytes;
            if (TypeAndId(json) is not var (type, _) || type is null)
            {
                report.AddFailure(new ImportFailure(name, line, 1, "not a FHIR resource (a JSON object with a resourceType)"));
                continue;
            }
            batch.Add((line, type, json));
            if (batch.Count >= batchSize) { await SendBatchAsync(name, batch, ct); batch.Clear(); }
        }
        if (batch.Count > 0) await SendBatchAsync(name, batch, ct);
    }

    public async Task ImportBundleAsync(string name, byte[] json, CancellationToken ct = default)
    {
        report.BytesDone += json.Length;
        var types = new List<string>();
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array)
                foreach (var entry in entries.EnumerateArray())
                    types.Add(entry.TryGetProperty("resource", out var r) && r.TryGetProperty("resourceType", out var t) ? t.GetString() ?? "?" : "?");
        }
        catch (JsonException ex)
        {
            report.AddFailure(new ImportFailure(name, 1, 0, "not JSON: " + ex.Message));
            report.Report();
            return;
        }
        var (ok, body, message) = await PostAsync(json, ct);
        if (!ok) report.AddFailure(new ImportFailure(name, 1, types.Count, message));
        else Tally(name, body!, types, _ => 1);
        report.Report();
    }

    private async Task SendBatchAsync(string name, List<(long Line, string Type, byte[] Json)> lines, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "Bundle");
            w.WriteString("type", "batch");
            w.WriteStartArray("entry");
            foreach (var (_, type, json) in lines)
            {
                var id = TypeAndId(json)?.Id;
                w.WriteStartObject();
                w.WritePropertyName("resource");
                w.WriteRawValue(json, skipInputValidation: true);
                w.WriteStartObject("request");
                w.WriteString("method", id is null ? "POST" : "PUT");
                w.WriteString("url", id is null ? type : $"{type}/{id}");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        var (ok, body, message) = await PostAsync(buffer.ToArray(), ct);
        if (!ok)
            foreach (var (line, _, _) in lines) report.AddFailure(new ImportFailure(name, line, 1, message));
        else Tally(name, body!, lines.Select(l => l.Type).ToList(), i => lines[i].Line);
        report.Report();
    }

    /// <summary>Counts a response Bundle's entries: 2xx loaded, else a failure with the entry's OperationOutcome message.</summary>
    private void Tally(string name, JsonDocument body, List<string> types, Func<int, long> lineOf)
    {
        using (body)
        {
            var entries = body.RootElement.TryGetProperty("entry", out var e) && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().ToList() : [];
            for (var i = 0; i < types.Count; i++)
            {
                var response = i < entries.Count && entries[i].TryGetProperty("response", out var r) ? r : default;
                var status = response.ValueKind == JsonValueKind.Object && response.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "";
                if (status.StartsWith('2')) report.AddLoaded(types[i]);
                else
                {
                    var message = response.ValueKind == JsonValueKind.Object && response.TryGetProperty("outcome", out var o) ? OutcomeMessage(o) : "";
                    report.AddFailure(new ImportFailure(name, lineOf(i), 1, $"{status} {message}".Trim()));
                }
            }
        }
    }

    private async Task<(bool Ok, JsonDocument? Body, string Message)> PostAsync(byte[] bundle, CancellationToken ct)
    {
        using var content = new ByteArrayContent(bundle);
        content.Headers.ContentType = FhirJson;
        using var request = new HttpRequestMessage(HttpMethod.Post, "") { Content = content };
        request.Headers.Add("Prefer", "return=minimal");
        try
        {
            using var response = await http.SendAsync(request, ct);
            // a refused token fails every batch alike: stop at once with what to do
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                throw new ImportInputException($"the server refused the import with 401: set {AccessTokenVariable} to a valid access token "
                    + "with system/*.cu scopes (a backend client's token from /auth/token)");
            var text = await response.Content.ReadAsByteArrayAsync(ct);
            JsonDocument? doc = null;
            try { doc = JsonDocument.Parse(text); } catch (JsonException) { }
            if (response.IsSuccessStatusCode && doc is not null) return (true, doc, "");
            var message = $"{(int)response.StatusCode} {(doc is null ? "" : OutcomeMessage(doc.RootElement))}".Trim();
            doc?.Dispose();
            return (false, null, message);
        }
        catch (HttpRequestException ex)
        {
            return (false, null, "request failed: " + ex.Message);
        }
    }

    /// <summary>The first issue's diagnostics (or details.text) of an OperationOutcome.</summary>
    private static string OutcomeMessage(JsonElement outcome)
    {
        if (!outcome.TryGetProperty("issue", out var issues) || issues.ValueKind != JsonValueKind.Array) return "";
        foreach (var issue in issues.EnumerateArray())
        {
            if (issue.TryGetProperty("diagnostics", out var d) && d.GetString() is { } text) return text;
            if (issue.TryGetProperty("details", out var det) && det.TryGetProperty("text", out var t) && t.GetString() is { } text2) return text2;
        }
        return "";
    }

    private static (string? Type, string? Id)? TypeAndId(byte[] json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            string? type = null, id = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = reader.GetString();
                reader.Read();
                if (property == "resourceType" && reader.TokenType == JsonTokenType.String) type = reader.GetString();
                else if (property == "id" && reader.TokenType == JsonTokenType.String) id = reader.GetString();
                else reader.Skip();
            }
            // read to the end: a truncated line must fail here, alone, not break the batch it would be sent in
            while (reader.Read()) { }
            return (type, id);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
