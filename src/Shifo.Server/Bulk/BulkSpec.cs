using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shifo.Server.Bulk;

/// <summary>One NDJSON source of an import: a file under the job folder or the import folder, and the type it should hold (null: any).</summary>
public sealed record ImportInput(string? Type, string Url, string Path);

/// <summary>
/// A job's parameters as kept in its row (JSON): what the kick-off asked for, resolved, plus the FHIR base URL the
/// manifest's file URLs are built on.
/// </summary>
public sealed record BulkSpec
{
    /// <summary>"system", "patient" or "group" for exports.</summary>
    public string? Level { get; init; }
    public string? GroupId { get; init; }
    public List<string>? Types { get; init; }
    public DateTimeOffset? Since { get; init; }
    public List<ImportInput>? Inputs { get; init; }
    public required string BaseUrl { get; init; }
    /// <summary>The client_id that started the job: only it polls, cancels and downloads (jobs from before this was kept: any system).</summary>
    public string? Owner { get; init; }
    /// <summary>The organization and the user (fhirUser) the starting client acts for: an export honours the Consents naming them.</summary>
    public string? OwnerOrganization { get; init; }
    public string? OwnerUser { get; init; }

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public static BulkSpec Parse(string json) => JsonSerializer.Deserialize<BulkSpec>(json, Json) ?? throw new InvalidDataException("Empty job spec.");
}

public static class BulkKinds
{
    public const string Export = "export";
    public const string Import = "import";
}
