using System.Text.Encodings.Web;
using System.Text.Json;
using Shifo.Fhir.Outcomes;
using Shifo.Storage.Model;

namespace Shifo.Server.Bundles;

/// <summary>Writes history and searchset Bundles, embedding each stored resource's JSON as it is stored.</summary>
public sealed class BundleWriter : IDisposable
{
    private readonly MemoryStream _buffer = new();
    private readonly Utf8JsonWriter _w;
    private readonly string _baseUrl;

    public BundleWriter(string type, string baseUrl, long? total, IEnumerable<(string Relation, string Url)> links)
    {
        _baseUrl = baseUrl;
        _w = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _w.WriteStartObject();
        _w.WriteString("resourceType", "Bundle");
        _w.WriteString("id", Guid.NewGuid().ToString());
        _w.WriteStartObject("meta");
        _w.WriteString("lastUpdated", ResourceStamp.FormatInstant(DateTimeOffset.UtcNow));
        _w.WriteEndObject();
        _w.WriteString("type", type);
        if (total is not null) _w.WriteNumber("total", total.Value);
        var anyLink = false;
        foreach (var (relation, url) in links)
        {
            if (!anyLink) _w.WriteStartArray("link");
            anyLink = true;
            _w.WriteStartObject();
            _w.WriteString("relation", relation);
            _w.WriteString("url", url);
            _w.WriteEndObject();
        }
        if (anyLink) _w.WriteEndArray();
    }

    // FHIR JSON has no empty arrays: "entry" is opened with the first entry (none for _summary=count)
    private bool _entriesOpen;

    private void StartEntry()
    {
        if (!_entriesOpen) _w.WriteStartArray("entry");
        _entriesOpen = true;
        _w.WriteStartObject();
    }

    /// <summary>A history entry: the version (absent for a delete), the request that made it and its response.</summary>
    public void AddHistoryEntry(StoredResource version)
    {
        StartEntry();
        _w.WriteString("fullUrl", $"{_baseUrl}/{version.ResourceType}/{version.Id}");
        if (version.Json is not null)
        {
            _w.WritePropertyName("resource");
            _w.WriteRawValue(version.Json, skipInputValidation: true);
        }
        _w.WriteStartObject("request");
        _w.WriteString("method", version.Change switch { ChangeKind.Create => "POST", ChangeKind.Update => "PUT", _ => "DELETE" });
        _w.WriteString("url", version.Change == ChangeKind.Create ? version.ResourceType : $"{version.ResourceType}/{version.Id}");
        _w.WriteEndObject();
        _w.WriteStartObject("response");
        _w.WriteString("status", version.Change switch { ChangeKind.Create => "201 Created", ChangeKind.Update => "200 OK", _ => "204 No Content" });
        _w.WriteString("etag", version.ETag);
        _w.WriteString("lastModified", ResourceStamp.FormatInstant(version.LastUpdated));
        _w.WriteEndObject();
        _w.WriteEndObject();
    }

    /// <summary>A searchset entry: mode "match" or "include", with the resource's JSON (possibly cut by _summary/_elements).</summary>
    public void AddSearchEntry(StoredResource resource, byte[] json, string mode)
    {
        StartEntry();
        _w.WriteString("fullUrl", $"{_baseUrl}/{resource.ResourceType}/{resource.Id}");
        _w.WritePropertyName("resource");
        _w.WriteRawValue(json, skipInputValidation: true);
        _w.WriteStartObject("search");
        _w.WriteString("mode", mode);
        _w.WriteEndObject();
        _w.WriteEndObject();
    }

    /// <summary>Warnings about the search itself (ignored parameters), as an OperationOutcome entry.</summary>
    public void AddOutcome(IReadOnlyList<Issue> issues)
    {
        StartEntry();
        _w.WritePropertyName("resource");
        _w.WriteRawValue(OperationOutcome.ToJson(issues), skipInputValidation: true);
        _w.WriteStartObject("search");
        _w.WriteString("mode", "outcome");
        _w.WriteEndObject();
        _w.WriteEndObject();
    }

    public byte[] ToArray()
    {
        if (_entriesOpen) _w.WriteEndArray();
        _w.WriteEndObject();
        _w.Flush();
        return _buffer.ToArray();
    }

    public void Dispose()
    {
        _w.Dispose();
        _buffer.Dispose();
    }
}
