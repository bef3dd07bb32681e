namespace Shifo.Import;

/// <summary>Input an import cannot start with (no such file, an unreachable server or store): one line for a person.</summary>
public sealed class ImportInputException(string message, Exception? inner = null) : Exception(message, inner);
