using Shifo.Fhir.Outcomes;
using Shifo.Storage.Relational;
using Shifo.Storage.Search.Includes;
using Shifo.Storage.Search.Paging;

namespace Shifo.Storage.Search;

/// <summary>
/// A search turned into SQL for one dialect. PageSql (null for _count=0) selects (res_type, res_id, version_id,
/// last_updated, change, json) of the page's matches in page order followed by the values of Keys, LIMIT Count + 1;
/// a Backward page comes in reverse order. CountSql counts all matches. All use Parameters. CountingPageSql, when
/// set, is to be tried first: the same page over at most CountInPageLimit + 1 matches, each row ending with their
/// count (one column after the keys). A count up to the limit is the total and the page is right; above it, run
/// PageSql and CountSql instead.
/// When Issues holds an error, nothing is run.
/// </summary>
public sealed record CompiledSearch(
    string? PageSql,
    string CountSql,
    SqlParameters Parameters,
    IReadOnlyList<SortKey> Keys,
    long Snapshot,
    bool HasCursor,
    bool Backward,
    TotalMode Total,
    IReadOnlyList<IncludeSpec> Includes,
    IReadOnlyList<Issue> Issues,
    IReadOnlyList<SearchParameter> Understood,
    string? CountingPageSql = null)
{
    /// <summary>The most matches a counting page counts (a window holds them all in memory or spills them to disk).</summary>
    public const int CountInPageLimit = 1000;
}

/// <summary>Compiles FHIR search requests to SQL; the store runs what it produces.</summary>
public interface ISearchCompiler
{
    CompiledSearch Compile(SearchQuery query, SqlDialect dialect);
}
