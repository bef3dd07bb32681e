namespace Shifo.Storage.Search.Parsing;

/// <summary>A search the client wrote wrongly (bad value, unknown modifier, ambiguous chain): reported as a 400 issue.</summary>
public sealed class SearchException(string message, string code = "value") : Exception(message)
{
    /// <summary>The OperationOutcome issue type: value, not-supported, invalid, too-costly.</summary>
    public string Code { get; } = code;
}
