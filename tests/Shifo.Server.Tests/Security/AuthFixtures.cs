using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Security;

/// <summary>Settings of the authorization-server tests: cheap password hashes, and an address limit the tests never reach.</summary>
public static class AuthSettings
{
    public const int Iterations = 1000;

    public static void Add(IDictionary<string, string?> settings)
    {
        settings["Security:PasswordIterations"] = Iterations.ToString();
        settings["Security:LoginFailuresPerAddress"] = "1000";
    }
}

public sealed class AuthSqliteFixture : SqliteServerFixture
{
    protected override async Task<IDictionary<string, string?>> StoreSettingsAsync()
    {
        var settings = await base.StoreSettingsAsync();
        AuthSettings.Add(settings);
        return settings;
    }
}

public sealed class AuthPostgresFixture : PostgresServerFixture
{
    protected override async Task<IDictionary<string, string?>> StoreSettingsAsync()
    {
        var settings = await base.StoreSettingsAsync();
        AuthSettings.Add(settings);
        return settings;
    }
}
