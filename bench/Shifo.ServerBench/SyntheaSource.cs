using System.Text.Json.Nodes;
using Shifo.Testing;

namespace Shifo.ServerBench;

/// <summary>One Synthea transaction bundle: its entries' fullUrls and resources.</summary>
public sealed record SourceBundle(string Name, IReadOnlyList<(string FullUrl, JsonObject Resource)> Entries);

/// <summary>
/// The Synthea R4 bundles of the shared test data, read by path (never copied into the repository): the shared
/// hospital and practitioner bundles, loaded once, and the patients' bundles, which the multiplier copies.
/// </summary>
public static class SyntheaSource
{
    /// <summary>SHIFO_TESTDATA/synthea-r4, or shared/testdata/synthea-r4 beside the repository or beside the folder of worktrees.</summary>
    public static string Directory
    {
        get
        {
            if (Environment.GetEnvironmentVariable("SHIFO_TESTDATA") is { Length: > 0 } env) return Path.Combine(env, "synthea-r4");
            for (var dir = new DirectoryInfo(TestPaths.RepoRoot); dir is not null; dir = dir.Parent)
                if (Path.Combine(dir.FullName, "shared", "testdata", "synthea-r4") is var candidate && System.IO.Directory.Exists(candidate))
                    return candidate;
            throw new DirectoryNotFoundException("The Synthea test data (shared/testdata/synthea-r4) is not beside the repository; set SHIFO_TESTDATA.");
        }
    }

    public static (IReadOnlyList<SourceBundle> Shared, IReadOnlyList<SourceBundle> Patients) Read()
    {
        var bundles = System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal).Select(f =>
            new SourceBundle(Path.GetFileName(f), JsonNode.Parse(File.ReadAllBytes(f))!["entry"]!.AsArray()
                .Select(e => ((string)e!["fullUrl"]!, e["resource"]!.AsObject())).ToList())).ToList();
        static bool IsShared(SourceBundle b) => b.Name.StartsWith("hospital", StringComparison.Ordinal) || b.Name.StartsWith("practitioner", StringComparison.Ordinal);
        return (bundles.Where(IsShared).ToList(), bundles.Where(b => !IsShared(b)).ToList());
    }
}
