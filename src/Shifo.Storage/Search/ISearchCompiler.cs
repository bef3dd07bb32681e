using Shifo.Fhir.Outcomes;
using Shifo.Storage.Relational;

namespace Shifo.Storage.Search;

/// <summary>
/// A search turned into SQL for one dialect. PageSql selects (res_type, res_id, version_id, last_updated, change, json)
/// of the page's matches in order; CountSql, when set, selects the total. Both use the same parameters.
/// Issues and NotImplemented are reported to the client; when Issues holds an error, nothing is run.
/// </summary>
public sealed record CompiledSearch(
    string PageSql,
    string? CountSql,
    SqlParameters Parameters,
    IReadOnlyList<Issue> Issues,
    IReadOnlyList<string> NotImplemented);

/// <summary>Compiles FHIR search requests to SQL; the store runs what it produces.</summary>
public interface ISearchCompiler
{
    CompiledSearch Compile(SearchQuery query, SqlDialect dialect);
}
