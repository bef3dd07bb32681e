using System.Reflection;
using Shifo.Cli.Commands;

namespace Shifo.Cli;

/// <summary>Dispatches `shifo` arguments to a command and turns bad input into a one-line message and exit code 2.</summary>
public static class CliApp
{
    public static string Version { get; } =
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (args.Length == 0) throw new CliInputException("no command given; try 'shifo --help'");
            switch (args[0])
            {
                case "-h" or "--help" or "help":
                    stdout.Write(HelpText.Usage);
                    return ExitCodes.Ok;
                case "--version":
                    stdout.WriteLine($"shifo {Version} (FHIR {Shifo.Fhir.Definitions.FhirDefinitions.FhirVersion})");
                    return ExitCodes.Ok;
                case "validate":
                    return ValidateCommand.Run(args[1..], stdout);
                case "fhirpath":
                    return FhirPathCommand.Run(args[1..], stdout);
                case "definitions":
                    return DefinitionsCommand.Run(args[1..], stdout);
                case "synth":
                    return SynthCommand.Run(args[1..], stdout, stderr);
                case "import":
                    return ImportCommand.Run(args[1..], stdout, stderr);
                default:
                    throw new CliInputException($"unknown command '{args[0]}'; try 'shifo --help'");
            }
        }
        catch (CliInputException ex)
        {
            stderr.WriteLine("shifo: " + ex.Message);
            return ExitCodes.BadInput;
        }
        catch (IOException ex)
        {
            // e.g. a file that vanished or cannot be read after the existence check
            stderr.WriteLine("shifo: " + ex.Message);
            return ExitCodes.BadInput;
        }
        catch (UnauthorizedAccessException ex)
        {
            stderr.WriteLine("shifo: " + ex.Message);
            return ExitCodes.BadInput;
        }
        catch (Exception ex)
        {
            // a bug in Shifo, not in the input: still one line, never a stack trace
            stderr.WriteLine($"shifo: internal error ({ex.GetType().Name}): {ex.Message}");
            return ExitCodes.InternalError;
        }
    }
}
