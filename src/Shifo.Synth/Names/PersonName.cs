using System.Text.Json;
using Shifo.Synth.Json;

namespace Shifo.Synth.Names;

/// <summary>The ethnic naming tradition a name follows (decides the name lists and patronymic forms).</summary>
public enum NameOrigin { Uzbek, Russian, Korean, Tatar }

/// <summary>
/// A person's name as one source spelling (Cyrillic) from which every registry form is rendered. The patronymic
/// is the father's given name, written Russian-style (-ovich / -ovna) or Uzbek-style (o'g'li / qizi).
/// </summary>
public sealed record PersonName(string Given, string Family, string Father, bool Male, NameOrigin Origin, bool UzbekPatronymic)
{
    private const string LanguageExtension = "http://hl7.org/fhir/StructureDefinition/language";

    public static PersonName Draw(SynthRandom rng, bool male)
    {
        // a few percent of the population is Russian, Korean or Tatar
        var x = rng.NextDouble();
        var origin = x < 0.94 ? NameOrigin.Uzbek : x < 0.975 ? NameOrigin.Russian : x < 0.99 ? NameOrigin.Korean : NameOrigin.Tatar;
        string given, father, family;
        if (origin == NameOrigin.Uzbek || (origin == NameOrigin.Tatar && rng.Chance(0.5)))
        {
            given = rng.Pick(male ? NameLists.UzbekMale : NameLists.UzbekFemale);
            father = rng.Pick(NameLists.UzbekMale);
        }
        else
        {
            given = rng.Pick(male ? NameLists.RussianMale : NameLists.RussianFemale);
            father = rng.Pick(NameLists.RussianMale);
        }
        family = origin switch
        {
            NameOrigin.Uzbek => rng.Pick(NameLists.UzbekFamily),
            NameOrigin.Russian => rng.Pick(NameLists.RussianFamily),
            NameOrigin.Korean => rng.Pick(NameLists.KoreanFamily),
            _ => rng.Pick(NameLists.TatarFamily),
        };
        // the Uzbek patronymic (o'g'li / qizi) is the official form for Uzbeks since the 2020s; older records keep -ovich
        var uzbekPatronymic = origin == NameOrigin.Uzbek && rng.Chance(0.4);
        return new PersonName(given, family, father, male, origin, uzbekPatronymic);
    }

    /// <summary>The family name in Cyrillic, in the person's gender (Каримова; Korean names do not change).</summary>
    public string FamilyCyrillic =>
        Male || Origin == NameOrigin.Korean || !(Family.EndsWith("ов") || Family.EndsWith("ев") || Family.EndsWith("ин")) ? Family : Family + "а";

    /// <summary>The patronymic in Cyrillic, Uzbek or Russian style.</summary>
    public string PatronymicCyrillic(bool russianStyle)
    {
        if (UzbekPatronymic && !russianStyle) return Father + (Male ? " ўғли" : " қизи");
        var f = Transliteration.ToRussianCyrillic(Father);
        if (f.EndsWith("ий")) return f[..^2] + (Male ? "ьевич" : "ьевна");
        if (f.EndsWith('й')) return f[..^1] + (Male ? "евич" : "евна");
        if ("аоиуеэя".Contains(f[^1])) return f + (Male ? "евич" : "евна");
        return f + (Male ? "ович" : "овна");
    }

    /// <summary>The name in one form: family, given, patronymic.</summary>
    public (string Family, string Given, string Patronymic) Render(NameForm form, string apostrophe, bool khForX)
    {
        var russian = form is NameForm.RussianCyrillic or NameForm.PassportLatin;
        var family = FamilyCyrillic;
        var patronymic = PatronymicCyrillic(russian);
        var given = Given;
        return form switch
        {
            NameForm.UzbekCyrillic => (family, given, patronymic),
            NameForm.RussianCyrillic => (Transliteration.ToRussianCyrillic(family), Transliteration.ToRussianCyrillic(given), patronymic),
            NameForm.UzbekLatin => (Transliteration.ToUzbekLatin(family, apostrophe), Transliteration.ToUzbekLatin(given, apostrophe),
                Transliteration.ToUzbekLatin(patronymic, apostrophe)),
            _ => (Transliteration.ToPassportLatin(Transliteration.ToRussianCyrillic(family), khForX),
                Transliteration.ToPassportLatin(Transliteration.ToRussianCyrillic(given), khForX),
                Transliteration.ToPassportLatin(patronymic, khForX)),
        };
    }

    /// <summary>
    /// Writes the HumanName array: the official form, and for some records a second variant in another script
    /// or transliteration, as registries merged from several sources hold them. Each is tagged with its language.
    /// </summary>
    public void WriteNames(Utf8JsonWriter w, SynthRandom rng, bool patronymic = true)
    {
        var primary = DrawForm(rng);
        w.WriteStartArray("name");
        WriteOne(w, rng, primary, "official", patronymic);
        if (rng.Chance(0.35))
        {
            var second = DrawForm(rng);
            if (second == primary) second = primary == NameForm.UzbekLatin ? NameForm.RussianCyrillic : NameForm.UzbekLatin;
            WriteOne(w, rng, second, "usual", patronymic);
        }
        w.WriteEndArray();
    }

    /// <summary>A single name (practitioners): Uzbek Latin, or Russian Cyrillic for some.</summary>
    public void WriteName(Utf8JsonWriter w, SynthRandom rng)
    {
        w.WriteStartArray("name");
        WriteOne(w, rng, rng.Chance(0.8) ? NameForm.UzbekLatin : NameForm.RussianCyrillic, "official", patronymic: true);
        w.WriteEndArray();
    }

    /// <summary>Uzbek Latin for display in references.</summary>
    public string Display
    {
        get
        {
            var (f, g, p) = Render(NameForm.UzbekLatin, "'", true);
            return $"{f} {g} {p}";
        }
    }

    private NameForm DrawForm(SynthRandom rng)
    {
        var x = rng.NextDouble();
        if (Origin != NameOrigin.Uzbek) return x < 0.6 ? NameForm.RussianCyrillic : x < 0.8 ? NameForm.PassportLatin : NameForm.UzbekLatin;
        return x < 0.55 ? NameForm.UzbekLatin : x < 0.82 ? NameForm.RussianCyrillic : x < 0.92 ? NameForm.UzbekCyrillic : NameForm.PassportLatin;
    }

    private void WriteOne(Utf8JsonWriter w, SynthRandom rng, NameForm form, string use, bool patronymic)
    {
        var x = rng.NextDouble();
        var apostrophe = Transliteration.Apostrophes[x < 0.6 ? 0 : x < 0.75 ? 1 : x < 0.85 ? 2 : x < 0.95 ? 3 : 4];
        var (family, given, patr) = Render(form, apostrophe, khForX: rng.Chance(0.7));
        // passport-derived records are often in capitals
        var upper = form == NameForm.PassportLatin && rng.Chance(0.4);
        if (upper) { family = family.ToUpperInvariant(); given = given.ToUpperInvariant(); patr = patr.ToUpperInvariant(); }
        w.WriteStartObject();
        w.WriteStartArray("extension");
        w.WriteStartObject();
        w.WriteString("url", LanguageExtension);
        w.WriteString("valueCode", Transliteration.BcpLanguage(form));
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("use", use);
        w.WriteString("text", patronymic ? $"{family} {given} {patr}" : $"{family} {given}");
        w.WriteString("family", family);
        w.WriteStartArray("given");
        w.WriteStringValue(given);
        if (patronymic) w.WriteStringValue(patr);
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
