using System.Text;

namespace Shifo.Synth.Names;

/// <summary>The four ways a name of Uzbekistan is found written in registries.</summary>
public enum NameForm
{
    /// <summary>Uzbek Latin alphabet of 1995 (O'ktam, Rahimov, Aliyev).</summary>
    UzbekLatin,
    /// <summary>Uzbek Cyrillic (Ўктам, Раҳимов).</summary>
    UzbekCyrillic,
    /// <summary>Russian Cyrillic: the Uzbek letters ў қ ғ ҳ folded into у к г х (Уктам, Рахимов).</summary>
    RussianCyrillic,
    /// <summary>Latin transliterated from the Russian spelling, as in older passports (Uktam, Rakhimov, Aliev).</summary>
    PassportLatin,
}

/// <summary>
/// Converts names between scripts with the rules real registries applied — and with their inconsistencies: the
/// Uzbek Latin apostrophe is written ', ‘, ʻ, ` or ’; Russian х becomes kh or h; ё becomes yo or e.
/// </summary>
public static class Transliteration
{
    /// <summary>Apostrophes seen in Uzbek Latin o' and g': the ASCII one most, the official modifier letter least.</summary>
    public static readonly string[] Apostrophes = ["'", "‘", "ʻ", "`", "’"];

    public static string BcpLanguage(NameForm form) => form switch
    {
        NameForm.UzbekLatin => "uz-Latn",
        NameForm.UzbekCyrillic => "uz-Cyrl",
        NameForm.RussianCyrillic => "ru",
        _ => "ru-Latn",
    };

    /// <summary>Uzbek Cyrillic to Russian Cyrillic: Ўктам → Уктам, Раҳимов → Рахимов, Ғани → Гани.</summary>
    public static string ToRussianCyrillic(string uzCyrillic)
    {
        var sb = new StringBuilder(uzCyrillic.Length);
        foreach (var c in uzCyrillic)
            sb.Append(c switch
            {
                'ў' => 'у', 'Ў' => 'У', 'қ' => 'к', 'Қ' => 'К', 'ғ' => 'г', 'Ғ' => 'Г', 'ҳ' => 'х', 'Ҳ' => 'Х',
                _ => c,
            });
        return sb.ToString();
    }

    /// <summary>Uzbek Cyrillic to the Uzbek Latin alphabet: Ўктам → O'ktam, Алиев → Aliyev, Шавкат → Shavkat.</summary>
    public static string ToUzbekLatin(string uzCyrillic, string apostrophe = "'")
    {
        var sb = new StringBuilder(uzCyrillic.Length + 4);
        for (var i = 0; i < uzCyrillic.Length; i++)
        {
            var c = uzCyrillic[i];
            var lower = char.ToLowerInvariant(c);
            var prev = i == 0 ? ' ' : char.ToLowerInvariant(uzCyrillic[i - 1]);
            var latin = lower switch
            {
                'а' => "a", 'б' => "b", 'в' => "v", 'г' => "g", 'д' => "d",
                // е is "ye" at the start of a word and after a vowel or a sign
                'е' => prev is ' ' or '-' || IsVowel(prev) || prev is 'ъ' or 'ь' ? "ye" : "e",
                'ё' => "yo", 'ж' => "j", 'з' => "z", 'и' => "i", 'й' => "y", 'к' => "k", 'л' => "l", 'м' => "m",
                'н' => "n", 'о' => "o", 'п' => "p", 'р' => "r", 'с' => "s", 'т' => "t", 'у' => "u", 'ф' => "f",
                'х' => "x", 'ц' => "ts", 'ч' => "ch", 'ш' => "sh", 'щ' => "sh", 'ъ' => apostrophe, 'ы' => "i",
                'ь' => "", 'э' => "e", 'ю' => "yu", 'я' => "ya",
                'ў' => "o" + apostrophe, 'қ' => "q", 'ғ' => "g" + apostrophe, 'ҳ' => "h",
                _ => lower.ToString(),
            };
            Append(sb, latin, char.IsUpper(c));
        }
        return sb.ToString();
    }

    /// <summary>Russian Cyrillic to passport-style Latin: Рахимов → Rakhimov (or Rahimov), Алиев → Aliev, Жасур → Zhasur.</summary>
    public static string ToPassportLatin(string ruCyrillic, bool khForX = true, bool yoForYo = true)
    {
        var sb = new StringBuilder(ruCyrillic.Length + 4);
        foreach (var c in ruCyrillic)
        {
            var latin = char.ToLowerInvariant(c) switch
            {
                'а' => "a", 'б' => "b", 'в' => "v", 'г' => "g", 'д' => "d", 'е' => "e", 'ё' => yoForYo ? "yo" : "e",
                'ж' => "zh", 'з' => "z", 'и' => "i", 'й' => "y", 'к' => "k", 'л' => "l", 'м' => "m", 'н' => "n",
                'о' => "o", 'п' => "p", 'р' => "r", 'с' => "s", 'т' => "t", 'у' => "u", 'ф' => "f",
                'х' => khForX ? "kh" : "h", 'ц' => "ts", 'ч' => "ch", 'ш' => "sh", 'щ' => "shch", 'ъ' => "", 'ы' => "y",
                'ь' => "", 'э' => "e", 'ю' => "yu", 'я' => "ya",
                var other => other.ToString(),
            };
            Append(sb, latin, char.IsUpper(c));
        }
        return sb.ToString();
    }

    private static bool IsVowel(char c) => c is 'а' or 'е' or 'ё' or 'и' or 'о' or 'у' or 'э' or 'ю' or 'я' or 'ў';

    private static void Append(StringBuilder sb, string latin, bool upper)
    {
        if (latin.Length == 0) return;
        if (upper) sb.Append(char.ToUpperInvariant(latin[0])).Append(latin, 1, latin.Length - 1);
        else sb.Append(latin);
    }
}
