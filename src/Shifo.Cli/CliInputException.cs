namespace Shifo.Cli;

/// <summary>Input the command cannot work with; CliApp prints the message as one line and exits with <see cref="ExitCodes.BadInput"/>.</summary>
public sealed class CliInputException(string message) : Exception(message);
