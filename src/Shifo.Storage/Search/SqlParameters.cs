namespace Shifo.Storage.Search;

/// <summary>Collects the values of a statement being built; every value goes in as a parameter, never as SQL text.</summary>
public sealed class SqlParameters
{
    private readonly List<KeyValuePair<string, object?>> _values = [];

    public IReadOnlyList<KeyValuePair<string, object?>> Values => _values;

    /// <summary>Adds a value and returns its placeholder (@p0, @p1, ...), the same in both dialects.</summary>
    public string Add(object? value)
    {
        var name = "@p" + _values.Count;
        _values.Add(new(name, value));
        return name;
    }
}
