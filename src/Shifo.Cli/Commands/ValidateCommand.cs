using Shifo.Fhir.Outcomes;
using Shifo.Fhir.Validation;

namespace Shifo.Cli.Commands;

/// <summary>
/// `shifo validate [--json] FILE...`: validates each file against the R4 base definitions. Text output has one
/// line per issue (severity, location, message) and a verdict per file; --json prints the OperationOutcome
/// (several files: one OperationOutcome per line, as NDJSON). Exit 0 when every file is valid, else 1.
/// </summary>
public static class ValidateCommand
{
    public static int Run(string[] args, TextWriter stdout)
    {
        var json = false;
        var files = new List<string>();
        foreach (var arg in args)
        {
            if (arg == "--json") json = true;
            else if (arg.StartsWith("--", StringComparison.Ordinal)) throw new CliInputException($"validate: unknown option '{arg}'");
            else files.Add(arg);
        }
        if (files.Count == 0) throw new CliInputException("validate: no FILE given; usage: shifo validate [--json] FILE...");

        // read every file first: unusable input stops the run before any verdict is printed
        var contents = files.Select(ResourceFile.Read).ToList();
        var validator = new FhirValidator();
        var allValid = true;
        for (var i = 0; i < files.Count; i++)
        {
            var result = validator.Validate(contents[i]);
            allValid &= result.IsValid;
            if (json) stdout.WriteLine(result.ToOperationOutcomeJson(indented: files.Count == 1));
            else WriteText(stdout, files[i], result);
        }
        return allValid ? ExitCodes.Ok : ExitCodes.Invalid;
    }

    private static void WriteText(TextWriter stdout, string file, ValidationResult result)
    {
        var root = result.Resource?.TypeName ?? "(resource)";
        foreach (var issue in result.Issues)
        {
            var severity = issue.Severity.ToString().ToLowerInvariant();
            stdout.WriteLine($"{file}: {severity} at {issue.Expression ?? root}: {issue.Message} [{issue.Code}]");
        }
        var errors = result.Issues.Count(i => i.IsError);
        var warnings = result.Issues.Count(i => i.Severity == IssueSeverity.Warning);
        stdout.WriteLine($"{file}: {(result.IsValid ? "valid" : "INVALID")} ({Count(errors, "error")}, {Count(warnings, "warning")})");
    }

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
