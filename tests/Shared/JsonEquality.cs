using System.Text.Json;

namespace Shifo.Testing;

/// <summary>Structural JSON equality: object members in any order, arrays in order, numbers by their literal text.</summary>
public static class JsonEquality
{
    public static string? FirstDifference(JsonElement a, JsonElement b, string path = "$")
    {
        if (a.ValueKind != b.ValueKind) return $"{path}: {a.ValueKind} vs {b.ValueKind}";
        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var am = a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
                var bm = b.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
                foreach (var k in am.Keys.Union(bm.Keys))
                {
                    if (!am.ContainsKey(k)) return $"{path}.{k}: missing in the original";
                    if (!bm.ContainsKey(k)) return $"{path}.{k}: missing after the round trip";
                    var d = FirstDifference(am[k], bm[k], $"{path}.{k}");
                    if (d is not null) return d;
                }
                return null;
            }
            case JsonValueKind.Array:
            {
                var aa = a.EnumerateArray().ToArray();
                var ba = b.EnumerateArray().ToArray();
                if (aa.Length != ba.Length) return $"{path}: {aa.Length} vs {ba.Length} items";
                for (var i = 0; i < aa.Length; i++)
                {
                    var d = FirstDifference(aa[i], ba[i], $"{path}[{i}]");
                    if (d is not null) return d;
                }
                return null;
            }
            case JsonValueKind.String:
                return a.GetString() == b.GetString() ? null : $"{path}: '{a.GetString()}' vs '{b.GetString()}'";
            default:
                return a.GetRawText() == b.GetRawText() ? null : $"{path}: {a.GetRawText()} vs {b.GetRawText()}";
        }
    }
}
