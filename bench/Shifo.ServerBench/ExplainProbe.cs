using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Shifo.Fhir.Definitions;
using Shifo.Storage.Postgres;
using Shifo.Storage.Relational;
using Shifo.Storage.Search;
using Shifo.Storage.Sqlite;

namespace Shifo.ServerBench;

/// <summary>
/// The plans of one benchmark query on a loaded store, for a random patient of a random copy: the search compiler's
/// page and count SQL under EXPLAIN ANALYZE (PostgreSQL) or EXPLAIN QUERY PLAN plus a timed run (SQLite). The search
/// benchmark measures; this shows why.
/// </summary>
public static class ExplainProbe
{
    public static async Task<int> RunAsync(string provider, string target, int copies, string queryName, int seed)
    {
        var query = SearchQueries.All.FirstOrDefault(q => q.Name.Contains(queryName, StringComparison.OrdinalIgnoreCase));
        if (query is null)
        {
            Console.Error.WriteLine("no such query; one of: " + string.Join(", ", SearchQueries.All.Select(q => q.Name)));
            return 2;
        }
        var (_, patients) = SyntheaSource.Read();
        var random = new Random(seed);
        string? url = null;
        while (url is null)
            if (PatientSample.From(SyntheaMultiplier.Copy(patients[random.Next(patients.Count)], random.Next(copies)).ToList()) is { } p)
                url = query.Url(p);
        Console.WriteLine(url);

        await using SqlDialect dialect = provider == "sqlite" ? new SqliteDialect(target) : new PostgresDialect(target);
        var compiled = new FhirSearchCompiler(FhirDefinitions.R4).Compile(Parse(url), dialect);
        if (compiled.Issues.Any(i => i.IsError))
        {
            Console.Error.WriteLine(string.Join("; ", compiled.Issues.Select(i => i.Message)));
            return 1;
        }
        await using var connection = await dialect.OpenAsync(CancellationToken.None);
        foreach (var (what, sql) in new[] { ("counting page", compiled.CountingPageSql), ("page", compiled.PageSql), ("count", compiled.CountSql) })
        {
            if (sql is null) continue;
            Console.WriteLine($"---- {what} SQL\n{Inline(sql, compiled.Parameters)}\n---- plan");
            var explain = provider == "sqlite" ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, BUFFERS) ";
            await using (var cmd = Command(connection, explain + sql, compiled.Parameters))
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    Console.WriteLine(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(reader.GetValue)));
            var clock = Stopwatch.StartNew();
            var rows = 0;
            await using (var cmd = Command(connection, sql, compiled.Parameters))
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync()) rows++;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"---- {what}: {rows} rows in {clock.Elapsed.TotalMilliseconds:F1} ms"));
        }
        return 0;
    }

    /// <summary>Type?a=1&amp;b:mod=2 as the server would hand it to the store (only what the benchmark queries use).</summary>
    private static SearchQuery Parse(string url)
    {
        var question = url.IndexOf('?');
        var path = question < 0 ? url : url[..question];
        var parameters = new List<SearchParameter>();
        var count = 50;
        foreach (var pair in (question < 0 ? "" : url[(question + 1)..]).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(pair[..eq]);
            var value = Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (key == "_count") { count = int.Parse(value, CultureInfo.InvariantCulture); continue; }
            var colon = key.IndexOf(':');
            parameters.Add(colon < 0 ? new SearchParameter(key, null, value) : new SearchParameter(key[..colon], key[(colon + 1)..], value));
        }
        var segments = path.Split('/');
        return segments.Length == 3
            ? new SearchQuery { ResourceType = segments[2], Compartment = (segments[0], segments[1]), Parameters = parameters, Count = count }
            : new SearchQuery { ResourceType = segments[0], Parameters = parameters, Count = count };
    }

    private static DbCommand Command(DbConnection connection, string sql, SqlParameters parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters.Values)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    /// <summary>The SQL with its values written in, to paste into psql or sqlite3 (for reading only).</summary>
    private static string Inline(string sql, SqlParameters parameters)
    {
        foreach (var (name, value) in parameters.Values.Reverse())
            sql = sql.Replace(name, value switch
            {
                string s => "'" + s.Replace("'", "''") + "'",
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => "NULL",
            });
        return sql;
    }
}
