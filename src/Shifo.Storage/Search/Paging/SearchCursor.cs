using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Shifo.Storage.Search.Parsing;

namespace Shifo.Storage.Search.Paging;

/// <summary>
/// Where a next or previous page starts: the sort-key values of the last (or first) row shown, and the snapshot time
/// of the first page. Keyset paging rather than offsets, so pages neither repeat nor skip rows when resources are
/// written between fetches; the snapshot keeps resources created later out of the later pages.
/// Carried in links as opaque base64url JSON; anything not made here is a 400.
/// </summary>
public sealed record SearchCursor(long Snapshot, bool Backward, IReadOnlyList<object> Anchor)
{
    public string Encode()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("s", Snapshot);
            w.WriteBoolean("b", Backward);
            w.WriteStartArray("k");
            foreach (var value in Anchor)
            {
                w.WriteStringValue(value switch
                {
                    long l => "l" + l.ToString(CultureInfo.InvariantCulture),
                    int i => "l" + i.ToString(CultureInfo.InvariantCulture),
                    double d => "d" + d.ToString("R", CultureInfo.InvariantCulture),
                    float f => "d" + ((double)f).ToString("R", CultureInfo.InvariantCulture),
                    bool b => "l" + (b ? "1" : "0"),
                    _ => "s" + Convert.ToString(value, CultureInfo.InvariantCulture),
                });
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Base64Url.EncodeToString(buffer.ToArray());
    }

    /// <summary>Reads a cursor for a search with these sort keys; its anchor must have one value of the right kind per key.</summary>
    public static SearchCursor Decode(string text, IReadOnlyList<SortKey> keys)
    {
        try
        {
            using var doc = JsonDocument.Parse(Base64Url.DecodeFromChars(text));
            var root = doc.RootElement;
            var anchor = new List<object>();
            foreach (var k in root.GetProperty("k").EnumerateArray())
            {
                var s = k.GetString()!;
                anchor.Add(s[0] switch
                {
                    'l' => long.Parse(s[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                    'd' => double.Parse(s[1..], NumberStyles.Float, CultureInfo.InvariantCulture),
                    's' => s[1..],
                    _ => throw new FormatException(),
                });
            }
            if (anchor.Count != keys.Count) throw new FormatException();
            for (var i = 0; i < anchor.Count; i++)
            {
                // a cursor of another sort would compare text with numbers, which the database refuses
                anchor[i] = (keys[i].Kind, anchor[i]) switch
                {
                    ('l', long l) => l,
                    ('d', double d) => d,
                    ('d', long l) => (double)l,
                    ('s', string s) => s,
                    _ => throw new FormatException(),
                };
            }
            return new SearchCursor(root.GetProperty("s").GetInt64(), root.GetProperty("b").GetBoolean(), anchor);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException or OverflowException or ArgumentException)
        {
            throw new SearchException("_cursor is not a paging token of this search (use the next and previous links as given).");
        }
    }
}
