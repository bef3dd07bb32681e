namespace Shifo.Cli;

/// <summary>What `shifo --help` prints.</summary>
public static class HelpText
{
    public const string Usage = """
        shifo — the Shifo FHIR R4 tool

        usage:
          shifo validate [--json] FILE...    validate FHIR JSON resources against the R4 base definitions;
                                             prints each file's OperationOutcome (text, or JSON with --json)
          shifo fhirpath EXPRESSION FILE     evaluate a FHIRPath expression on a resource; prints the result as JSON
          shifo definitions                  load the R4 definitions and print how long it took
          shifo synth --out DIR [--format ndjson|bundle] [--region UZ-XX] [--patients N] [--seed N] [--progress]
                                             write a deterministic synthetic population of Uzbekistan: the whole
                                             country (real size), one region (ISO 3166-2, e.g. UZ-SA) or N patients;
                                             ndjson: one file per resource type; bundle: directory-NNNNN.json (PUT)
                                             then one transaction Bundle per patient (patient-NNNNNNN.json)
          shifo import PATH... (--server URL | --store sqlite:FILE | --store postgres:CONNSTRING) [--batch N]
                                             load NDJSON files and transaction/batch Bundles (folders in name order)
                                             into a running server (FHIR base URL) or straight into a store,
                                             validated and indexed; progress on stderr, a summary on stdout
          shifo --help | --version

        exit codes:
          0  success (validate: every resource is valid)
          1  validate: at least one resource is invalid; import: at least one resource failed to load
          2  bad input: missing file, not JSON, not a FHIR resource, bad expression, bad arguments,
             unreachable server or store
          3  internal error (a bug in shifo)

        """;
}
