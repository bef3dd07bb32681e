namespace Shifo.Server.Pipeline;

/// <summary>
/// AuditEvents are a record of what happened: once written, no one may update, patch or delete one (405), whether
/// security is on or off. Checked where writes start (the pipelines) and again by the guarded store.
/// </summary>
public static class AuditEventRules
{
    public static void RefuseChange(string resourceType, string interaction)
    {
        if (resourceType == "AuditEvent")
            throw FhirProblem.Of(ProblemKind.MethodNotAllowed, "not-supported", $"AuditEvents cannot be changed or removed: {interaction} is not allowed.");
    }
}
