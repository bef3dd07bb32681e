using Shifo.Storage.Indexing;

namespace Shifo.Storage.Search.Sql;

/// <summary>The condition that index row a is one of a parameter's: a.param = @p, or, for a parameter that repeats others, theirs.</summary>
internal static class StoredParameterSql
{
    public static string Condition(string a, StoredParameter stored, Func<object?, string> add)
    {
        var param = stored.Parameters.Count == 1
            ? $"{a}.param = {add(stored.Parameters[0])}"
            : $"{a}.param IN ({string.Join(", ", stored.Parameters.Select(p => add(p)))})";
        // the indexer's where(resolve() is T): a reference to a T, or one whose target type cannot be read (a URL kept as written)
        return stored.TargetType is null ? param
            : $"{param} AND ({a}.target_type = {add(stored.TargetType)} OR ({a}.target_type IS NULL AND {a}.url IS NOT NULL))";
    }
}
