namespace Shifo.Server.Endpoints;

/// <summary>
/// What this server implements, in FHIR's terms. The routes are mapped from here and the CapabilityStatement is
/// generated from here, so that the two cannot drift apart.
/// </summary>
public static class Interactions
{
    public static readonly IReadOnlyList<string> TypeLevel =
        ["read", "vread", "update", "patch", "delete", "history-instance", "history-type", "create", "search-type"];

    public static readonly IReadOnlyList<string> SystemLevel = ["transaction", "batch", "history-system", "search-system"];

    /// <summary>Operations: name and definition URL.</summary>
    public static readonly IReadOnlyList<(string Name, string Definition)> Operations =
        [("validate", "http://hl7.org/fhir/OperationDefinition/Resource-validate")];

    /// <summary>System-level operations (Bulk Data Access IG): $export of everything, $import of NDJSON.</summary>
    public static readonly IReadOnlyList<(string Name, string Definition)> SystemOperations =
    [
        ("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"),
        ("import", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/import"),
    ];

    /// <summary>Operations of one resource type only: Patient/[id]/$everything, Patient and Group level $export.</summary>
    public static readonly IReadOnlyDictionary<string, (string Name, string Definition)[]> TypeOperations = new Dictionary<string, (string, string)[]>
    {
        ["Patient"] =
        [
            ("everything", "http://hl7.org/fhir/OperationDefinition/Patient-everything"),
            ("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"),
        ],
        ["Group"] = [("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export")],
    };
}
