using System.Text;

namespace Shifo.Storage.Indexing;

/// <summary>
/// The one normalization string search uses, for stored values and search values alike: lower case, accents
/// removed, Cyrillic (Uzbek and Russian) transliterated to Uzbek Latin, apostrophes dropped (o'/g' → o/g),
/// punctuation and runs of white space collapsed to one space. Done in C#, not in SQL, so that SQLite and
/// PostgreSQL see identical text. The process runs with invariant globalization (no ICU normalization),
/// hence the explicit tables.
/// </summary>
public static class TextNormalizer
{
    // Base letter for U+00C0..U+024F (Latin-1 Supplement, Latin Extended-A and -B), '?' = no Latin base letter.
    // Generated from Unicode canonical decompositions, plus ß/æ/ø/đ/ł/ı/œ/þ/ð by their usual Latin letter.
    private const string LatinFold =
        "aaaaaaaceeeeiiiidnooooo?ouuuuytsaaaaaaaceeeeiiiidnooooo?ouuuuytyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii??jjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzsb???????????????????????????????oo?????????????uu????????????????????????????aaiioouuuuuuuuuu?aaaa????ggkkoooo??j???gg??nnaa????aaaaeeeeiiiioooorrrruuuusstt??hh??????aaeeooooooooyy???????????????b??ee????????";

    private static readonly Dictionary<char, string> Cyrillic = new()
    {
        ['а'] = "a", ['б'] = "b", ['в'] = "v", ['г'] = "g", ['д'] = "d", ['е'] = "e", ['ё'] = "yo", ['ж'] = "j",
        ['з'] = "z", ['и'] = "i", ['й'] = "y", ['к'] = "k", ['л'] = "l", ['м'] = "m", ['н'] = "n", ['о'] = "o",
        ['п'] = "p", ['р'] = "r", ['с'] = "s", ['т'] = "t", ['у'] = "u", ['ф'] = "f", ['х'] = "x", ['ц'] = "ts",
        ['ч'] = "ch", ['ш'] = "sh", ['щ'] = "sh", ['ъ'] = "", ['ы'] = "i", ['ь'] = "", ['э'] = "e", ['ю'] = "yu",
        ['я'] = "ya", ['ў'] = "o", ['қ'] = "q", ['ғ'] = "g", ['ҳ'] = "h", ['і'] = "i", ['ң'] = "n", ['ү'] = "u",
        ['ұ'] = "u", ['ө'] = "o", ['ә'] = "a", ['һ'] = "h",
    };

    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var raw in text)
        {
            if (raw is '\'' or '`' or '\u2018' or '\u2019' or '\u02BB' or '\u02BC' or '\u00B4') continue;
            var c = char.ToLowerInvariant(raw);
            if (c == '\u0130') c = 'i'; // Turkish dotted capital I
            string? mapped = null;
            if (c >= '\u00C0' && c <= '\u024F')
            {
                var f = LatinFold[c - '\u00C0'];
                if (f != '?') c = f;
            }
            else if (c >= '\u0400' && c <= '\u04FF' && Cyrillic.TryGetValue(c, out var latin)) mapped = latin;

            if (mapped is null && !char.IsLetterOrDigit(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace) { sb.Append(' '); pendingSpace = false; }
            if (mapped is null) sb.Append(c);
            else sb.Append(mapped);
        }
        return sb.ToString();
    }
}
