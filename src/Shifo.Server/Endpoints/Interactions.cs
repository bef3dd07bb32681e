namespace Shifo.Server.Endpoints;

/// <summary>
/// What this server implements, in FHIR's terms. The routes are mapped from here and the CapabilityStatement is
/// generated from here, so that the two cannot drift apart.
/// </summary>
public static class Interactions
{
    public static readonly IReadOnlyList<string> TypeLevel =
        ["read", "vread", "update", "delete", "history-instance", "history-type", "create", "search-type"];

    public static readonly IReadOnlyList<string> SystemLevel = ["history-system", "search-system"];

    /// <summary>Operations: name and definition URL.</summary>
    public static readonly IReadOnlyList<(string Name, string Definition)> Operations =
        [("validate", "http://hl7.org/fhir/OperationDefinition/Resource-validate")];
}
