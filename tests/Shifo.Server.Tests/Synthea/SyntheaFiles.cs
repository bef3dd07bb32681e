using System.Text.Json.Nodes;
using Shifo.Testing;

namespace Shifo.Server.Tests.Synthea;

/// <summary>The Synthea R4 transaction bundles of the shared test data, read straight from their files (never copied into the repository).</summary>
public static class SyntheaFiles
{
    public static string Directory
    {
        get
        {
            if (Environment.GetEnvironmentVariable("SHIFO_TESTDATA") is { Length: > 0 } env) return Path.Combine(env, "synthea-r4");
            // the shared folder sits beside the repository, or beside the folder of worktrees
            for (var dir = new DirectoryInfo(TestPaths.RepoRoot); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "testdata", "synthea-r4");
                if (System.IO.Directory.Exists(candidate)) return candidate;
            }
            throw new DirectoryNotFoundException("The Synthea test data (shared/testdata/synthea-r4) is not beside the repository; set SHIFO_TESTDATA.");
        }
    }

    /// <summary>Every bundle: organizations and practitioners first (patients' records point at them), then the patients.</summary>
    public static IReadOnlyList<(string Name, JsonArray Entries)> Bundles() =>
        System.IO.Directory.GetFiles(Directory, "*.json")
            .OrderBy(f => Path.GetFileName(f).StartsWith("hospital", StringComparison.Ordinal) ? 0 : Path.GetFileName(f).StartsWith("practitioner", StringComparison.Ordinal) ? 1 : 2)
            .ThenBy(f => f, StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), JsonNode.Parse(File.ReadAllText(f))!["entry"]!.AsArray()))
            .ToList();

    /// <summary>All urn:uuid references in a JSON tree.</summary>
    public static IEnumerable<JsonValue> UrnReferences(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key == "reference" && value is JsonValue v && v.TryGetValue<string>(out var s) && s.StartsWith("urn:uuid:", StringComparison.Ordinal))
                        yield return v;
                    else
                        foreach (var r in UrnReferences(value)) yield return r;
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                    foreach (var r in UrnReferences(item)) yield return r;
                break;
        }
    }
}
