using Shifo.Conformance;

// Conformance runs for .ci/run: each prints its failures, then "N passed, N failed" as its last line,
// and fails when the pass rate is below the threshold in thresholds.json (thresholds only ever go up).
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: Shifo.Conformance fhirpath DIR | validator DIR | examples [PACKAGE_DIR]");
    return args.Length == 0 ? 2 : 0;
}
SuiteResult result;
try
{
    result = args[0] switch
    {
        "fhirpath" when args.Length == 2 => FhirPathSuite.Run(args[1]),
        "validator" when args.Length == 2 => ValidatorSuite.Run(args[1]),
        "examples" => ExamplesSuite.Run(args.Length > 1 ? args[1] : null),
        _ => throw new ArgumentException($"unknown or incomplete command: {string.Join(' ', args)}"),
    };
}
catch (Exception ex) when (ex is ArgumentException or DirectoryNotFoundException or FileNotFoundException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
return Thresholds.Check(args[0], result) ? 0 : 1;
