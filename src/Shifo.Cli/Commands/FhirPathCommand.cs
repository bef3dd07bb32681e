using Shifo.Fhir.FhirPath;
using Shifo.Fhir.Serialization;

namespace Shifo.Cli.Commands;

/// <summary>`shifo fhirpath EXPRESSION FILE`: evaluates the expression on the resource and prints the result collection as JSON.</summary>
public static class FhirPathCommand
{
    public static int Run(string[] args, TextWriter stdout)
    {
        if (args.Length != 2)
            throw new CliInputException($"fhirpath: expected EXPRESSION and FILE, got {args.Length} argument(s); usage: shifo fhirpath EXPRESSION FILE");
        var (expression, file) = (args[0], args[1]);
        var parsed = FhirJsonParser.Parse(ResourceFile.Read(file));
        if (parsed.Resource is null)
            throw new CliInputException($"{file}: {parsed.Issues.FirstOrDefault()?.Message ?? "cannot be read as a FHIR resource"}");

        CompiledExpression compiled;
        try
        {
            compiled = FhirPathCompiler.Compile(expression);
        }
        catch (FhirPathException ex)
        {
            throw new CliInputException($"bad expression: {ex.Message}");
        }

        IReadOnlyList<object> result;
        try
        {
            result = compiled.Evaluate(parsed.Resource);
        }
        catch (FhirPathException ex)
        {
            throw new CliInputException($"cannot evaluate the expression on {file}: {ex.Message}");
        }
        stdout.WriteLine(FhirPathResultJson.Write(result));
        return ExitCodes.Ok;
    }
}
