using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Shifo.Server.Tests.Conformance;
using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Synthea;

/// <summary>The Synthea data as loaded into one server: the files, fullUrl → Type/id, and each resource as sent.</summary>
public sealed record SyntheaLoad(
    IReadOnlyList<(string Name, JsonArray Entries)> Bundles,
    IReadOnlyDictionary<string, string> Assigned,
    IReadOnlyList<(string Reference, JsonObject Resource)> Expected);

/// <summary>
/// Loads every Synthea entry with a plain create (POST), rewriting urn:uuid references to the ids the server
/// assigned. Once per server: the load test and the search tests share it.
/// </summary>
public static class SyntheaLoader
{
    private static readonly ConditionalWeakTable<ServerFixture, Task<SyntheaLoad>> Loads = new();

    public static Task<SyntheaLoad> LoadAsync(ServerFixture server)
    {
        lock (Loads) return Loads.GetValue(server, s => LoadOnceAsync(s));
    }

    private static async Task<SyntheaLoad> LoadOnceAsync(ServerFixture server)
    {
        var client = server.Client;
        var bundles = SyntheaFiles.Bundles();
        var assigned = new Dictionary<string, string>(StringComparer.Ordinal); // fullUrl → Type/id
        var expected = new List<(string Reference, JsonObject Resource)>();

        foreach (var (name, entries) in bundles)
        {
            var byUrl = entries.ToDictionary(e => (string)e!["fullUrl"]!, e => e!["resource"]!.AsObject());
            // an entry is posted after the entries it references (a depth-first order over urn:uuid references)
            var done = new HashSet<string>();
            async Task Post(string fullUrl)
            {
                if (!done.Add(fullUrl)) return;
                var resource = byUrl[fullUrl];
                foreach (var reference in SyntheaFiles.UrnReferences(resource).Select(r => r.GetValue<string>()).ToList())
                    if (byUrl.ContainsKey(reference) && reference != fullUrl) await Post(reference);
                var copy = resource.DeepClone().AsObject();
                copy.Remove("id");
                foreach (var reference in SyntheaFiles.UrnReferences(copy).ToList())
                {
                    var target = reference.GetValue<string>();
                    Assert.True(assigned.TryGetValue(target, out var local), $"{name}: {target} is referenced before it was loaded");
                    reference.ReplaceWith(JsonValue.Create(local));
                }
                var type = (string)copy["resourceType"]!;
                var (response, body) = await client.SendAsync(HttpMethod.Post, $"fhir/{type}", copy.ToJsonString(),
                    r => r.Headers.TryAddWithoutValidation("Prefer", "return=minimal"));
                Assert.True(response.StatusCode == HttpStatusCode.Created,
                    $"{name}: {type} was refused with {(int)response.StatusCode}: {body?.ToJsonString()}");
                var location = response.Headers.Location!.ToString();
                var id = location.Split("/_history/")[0].Split('/')[^1];
                assigned[fullUrl] = $"{type}/{id}";
                expected.Add(($"{type}/{id}", copy));
            }
            foreach (var fullUrl in byUrl.Keys) await Post(fullUrl);
        }
        return new SyntheaLoad(bundles, assigned, expected);
    }
}
