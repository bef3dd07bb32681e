using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shifo.Server.Tests.Conformance;

namespace Shifo.Server.Tests.Security;

/// <summary>
/// Captures everything the server logs, at its default log levels (Shifo's own categories at every level), while it
/// serves a create, reads, searches by name and identifier, a failed validation and a 500 whose exception message
/// quotes a patient's name — and checks that no name, identifier, id or resource body reached the logs.
/// </summary>
public sealed class HardeningLogTests
{
    private const string Family = "Zebulonova";
    private const string Given = "Xeniyaxon";
    private const string Pinfl = "41207851230017";
    private const string FailingFamily = "Qwertyeva";
    private const string InvalidGender = "Mysteriousgender";

    [Fact]
    public async Task No_patient_data_reaches_the_logs()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await HardeningServer.StartAsync(
            // no Logging settings but Shifo's own at Trace: the defaults decide for ASP.NET Core's logs
            new Dictionary<string, string?> { ["Logging:LogLevel:Shifo"] = "Trace" },
            beforeStart: app => app.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs));
        var client = server.Client;

        var patient = $$"""{"resourceType":"Patient","identifier":[{"system":"https://dp.uz/pinfl","value":"{{Pinfl}}"}],"name":[{"family":"{{Family}}","given":["{{Given}}"]}],"birthDate":"1985-07-12"}""";
        var (created, createdBody) = await client.SendAsync(HttpMethod.Post, "fhir/Patient", patient);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (string)createdBody!["id"]!;

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"fhir/Patient/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"fhir/Patient?name={Family}&given={Given}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"fhir/Patient?identifier=https://dp.uz/pinfl|{Pinfl}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"fhir/Patient/{id}/$everything")).StatusCode);

        var invalid = patient.Replace("\"birthDate\"", $"\"gender\":\"{InvalidGender}\",\"birthDate\"");
        var (refused, refusedBody) = await client.SendAsync(HttpMethod.Post, "fhir/Patient", invalid);
        Assert.True((int)refused.StatusCode is 400 or 422, $"validation refused the resource: {(int)refused.StatusCode}");

        // a database failure whose message quotes the name being indexed: the server answers 500 and logs the error
        await using (var sqlite = new SqliteConnection($"Data Source={server.SqlitePath}"))
        {
            await sqlite.OpenAsync();
            await using var ddl = sqlite.CreateCommand();
            ddl.CommandText = $"CREATE TRIGGER refuse_name BEFORE INSERT ON idx_string WHEN NEW.value_exact = '{FailingFamily}' " +
                              $"BEGIN SELECT RAISE(ABORT, 'refused family {FailingFamily} born 1985-07-12'); END";
            await ddl.ExecuteNonQueryAsync();
        }
        var (failed, failedBody) = await client.SendAsync(HttpMethod.Put, $"fhir/Patient/{id}",
            patient.Replace(Family, FailingFamily).Replace("{\"resourceType\":\"Patient\",", $"{{\"resourceType\":\"Patient\",\"id\":\"{id}\","));
        FhirHttp.AssertOutcome(failed, failedBody, HttpStatusCode.InternalServerError);
        Assert.DoesNotContain(FailingFamily, failedBody!.ToJsonString());

        var entries = logs.Entries.ToList();
        // the capture works: framework information and the 500 were logged, the latter with its exception type
        Assert.Contains(entries, e => e.Category.StartsWith("Microsoft.Hosting.Lifetime", StringComparison.Ordinal) && e.Level == LogLevel.Information);
        var error = Assert.Single(entries, e => e.Level == LogLevel.Error);
        Assert.Contains("SqliteException", error.Text);
        Assert.Contains("/fhir/Patient/{id}", error.Text);

        var secrets = new[] { Family, Given, Pinfl, FailingFamily, InvalidGender, "1985-07-12", "\"resourceType\"" };
        foreach (var entry in entries)
        {
            foreach (var secret in secrets)
                Assert.False((entry.Text + entry.Scopes).Contains(secret, StringComparison.OrdinalIgnoreCase),
                    $"log entry of {entry.Category} ({entry.Level}) contains \"{secret}\": {entry.Text}{entry.Scopes}");
            // ids too stay out of messages (a client may choose a national id as a resource id); the request scope
            // ASP.NET Core attaches (RequestPath, shown only when a logger includes scopes) holds the path without query
            Assert.DoesNotContain(id, entry.Text);
        }
        // and no request URL at all: ASP.NET Core's request logging stays below the default level
        Assert.DoesNotContain(entries, e => e.Text.Contains("Request starting", StringComparison.Ordinal) || e.Text.Contains("?name=", StringComparison.Ordinal));
    }

    private sealed record Entry(string Category, LogLevel Level, string Text, string Scopes);

    /// <summary>Keeps every entry the server's filters let through: the message, its exception in full and its scopes.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose() { }

        private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var text = new System.Text.StringBuilder(formatter(state, exception));
                if (exception is not null) text.Append(' ').Append(exception);
                var scopes = new System.Text.StringBuilder();
                provider._scopes.ForEachScope((scope, sb) => sb.Append(" scope: ").Append(scope), scopes);
                provider.Entries.Enqueue(new Entry(category, logLevel, text.ToString(), scopes.ToString()));
            }
        }
    }
}
