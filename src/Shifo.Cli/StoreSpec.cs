using Shifo.Import;
using Shifo.Storage;

namespace Shifo.Cli;

/// <summary>Reads `--store sqlite:FILE` or `--store postgres:CONNSTRING` into the store options the server uses too.</summary>
public static class StoreSpec
{
    public static StoreOptions Parse(string spec)
    {
        var colon = spec.IndexOf(':');
        var (kind, value) = colon > 0 ? (spec[..colon].ToLowerInvariant(), spec[(colon + 1)..]) : ("", "");
        switch (kind)
        {
            case "sqlite" when value.Length > 0:
                if (Path.GetDirectoryName(Path.GetFullPath(value)) is { } dir) Directory.CreateDirectory(dir);
                return new StoreOptions { Provider = "sqlite", SqlitePath = value };
            case "postgres" or "postgresql" when value.Length > 0:
                return new StoreOptions { Provider = "postgres", PostgresConnectionString = value };
            default:
                throw new ImportInputException($"--store expects sqlite:FILE or postgres:CONNSTRING, got '{spec}'");
        }
    }
}
