namespace Shifo.Cli.Commands;
public static class ValidateCommand { public static int Run(string[] args, TextWriter stdout) => throw new CliInputException("validate: not yet"); }
