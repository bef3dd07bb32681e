using Shifo.Fhir.Definitions;
using Shifo.Storage.Relational;

namespace Shifo.Storage.Search.Sql;

/// <summary>What the SQL of one search is built with: its parameter values, the dialect, fresh table aliases.</summary>
internal sealed class SqlContext(SqlDialect dialect, FhirDefinitions definitions)
{
    private int _aliases;

    public SqlParameters P { get; } = new();
    public SqlDialect Dialect { get; } = dialect;
    public FhirDefinitions Definitions { get; } = definitions;

    /// <summary>Every value goes in as a parameter: this returns its placeholder.</summary>
    public string Add(object? value) => P.Add(value);

    public string NewAlias(string prefix) => prefix + ++_aliases;
}
