using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Shifo.Fhir.Outcomes;

/// <summary>Builds FHIR OperationOutcome resources (as JSON) from issues.</summary>
public static class OperationOutcome
{
    /// <summary>The OperationOutcome JSON for the issues; with no issue, a single "all ok" information issue.</summary>
    public static string ToJson(IEnumerable<Issue> issues, bool indented = false)
    {
        using var buffer = new MemoryStream();
        // the same escaping as FhirJsonWriter: messages quote values ('robot'), which should stay readable
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            Write(w, issues);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void Write(Utf8JsonWriter w, IEnumerable<Issue> issues)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "OperationOutcome");
        w.WriteStartArray("issue");
        var any = false;
        foreach (var issue in issues)
        {
            any = true;
            w.WriteStartObject();
            w.WriteString("severity", issue.Severity.ToString().ToLowerInvariant());
            w.WriteString("code", issue.Code);
            w.WriteStartObject("details");
            w.WriteString("text", issue.Message);
            w.WriteEndObject();
            w.WriteString("diagnostics", issue.Message);
            if (issue.Expression is not null)
            {
                w.WriteStartArray("expression");
                w.WriteStringValue(issue.Expression);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        if (!any)
        {
            w.WriteStartObject();
            w.WriteString("severity", "information");
            w.WriteString("code", "informational");
            w.WriteStartObject("details");
            w.WriteString("text", "All OK");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
