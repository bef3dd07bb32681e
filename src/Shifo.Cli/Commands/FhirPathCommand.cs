namespace Shifo.Cli.Commands;
public static class FhirPathCommand { public static int Run(string[] args, TextWriter stdout) => throw new CliInputException("fhirpath: not yet"); }
