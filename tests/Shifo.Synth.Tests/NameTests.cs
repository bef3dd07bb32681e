using Shifo.Synth.Names;

namespace Shifo.Synth.Tests;

public class NameTests
{
    [Theory]
    [InlineData("Шавкат", "Shavkat", "Шавкат", "Shavkat")]
    [InlineData("Ўктам", "O'ktam", "Уктам", "Uktam")]
    [InlineData("Раҳимов", "Rahimov", "Рахимов", "Rakhimov")]
    [InlineData("Алиев", "Aliyev", "Алиев", "Aliev")]
    [InlineData("Ғаниев", "G'aniyev", "Ганиев", "Ganiev")]
    [InlineData("Жўраев", "Jo'rayev", "Жураев", "Zhuraev")]
    [InlineData("Хуршид", "Xurshid", "Хуршид", "Khurshid")]
    [InlineData("Ёқуб", "Yoqub", "Ёкуб", "Yokub")]
    [InlineData("Эргашев", "Ergashev", "Эргашев", "Ergashev")]
    public void Uzbek_cyrillic_renders_in_every_registry_form(string uzCyr, string uzLatin, string ruCyr, string passport)
    {
        Assert.Equal(uzLatin, Transliteration.ToUzbekLatin(uzCyr));
        Assert.Equal(ruCyr, Transliteration.ToRussianCyrillic(uzCyr));
        Assert.Equal(passport, Transliteration.ToPassportLatin(Transliteration.ToRussianCyrillic(uzCyr)));
    }

    [Fact]
    public void Apostrophe_and_kh_variants_are_the_inconsistencies_registries_hold()
    {
        Assert.Equal("Oʻktam", Transliteration.ToUzbekLatin("Ўктам", "ʻ"));
        Assert.Equal("O`ktam", Transliteration.ToUzbekLatin("Ўктам", "`"));
        Assert.Equal("Rahimov", Transliteration.ToPassportLatin("Рахимов", khForX: false));
    }

    [Fact]
    public void Patronymics_come_in_russian_and_uzbek_style()
    {
        var son = new PersonName("Алишер", "Каримов", "Шавкат", true, NameOrigin.Uzbek, UzbekPatronymic: true);
        Assert.Equal(("Karimov", "Alisher", "Shavkat o'g'li"), son.Render(NameForm.UzbekLatin, "'", true));
        Assert.Equal(("Каримов", "Алишер", "Шавкатович"), son.Render(NameForm.RussianCyrillic, "'", true));
        var daughter = new PersonName("Дилноза", "Каримов", "Ўктам", false, NameOrigin.Uzbek, UzbekPatronymic: false);
        Assert.Equal(("Karimova", "Dilnoza", "Uktamovna"), daughter.Render(NameForm.UzbekLatin, "'", true));
        Assert.Equal(("Каримова", "Дилноза", "Уктамовна"), daughter.Render(NameForm.RussianCyrillic, "'", true));
        var uzDaughter = daughter with { UzbekPatronymic = true };
        Assert.Equal("Ўктам қизи", uzDaughter.Render(NameForm.UzbekCyrillic, "'", true).Patronymic);
        Assert.Equal("O'ktam qizi", uzDaughter.Render(NameForm.UzbekLatin, "'", true).Patronymic);
        Assert.Equal("Abdullaevich", new PersonName("Бобур", "Алиев", "Абдулла", true, NameOrigin.Uzbek, false).Render(NameForm.PassportLatin, "'", true).Patronymic);
        Assert.Equal("Sergeevna", new PersonName("Ольга", "Ким", "Сергей", false, NameOrigin.Korean, false).Render(NameForm.PassportLatin, "'", true).Patronymic);
        Assert.Equal("Ким", new PersonName("Ольга", "Ким", "Сергей", false, NameOrigin.Korean, false).FamilyCyrillic);
    }

    [Fact]
    public void Name_lists_are_pure_cyrillic_so_that_every_form_can_be_derived()
    {
        var lists = new[] { NameLists.UzbekMale, NameLists.UzbekFemale, NameLists.UzbekFamily, NameLists.RussianMale,
            NameLists.RussianFemale, NameLists.RussianFamily, NameLists.KoreanFamily, NameLists.TatarFamily };
        foreach (var name in lists.SelectMany(l => l))
            Assert.True(name.All(c => c is >= 'А' and <= 'я' or 'ё' or 'Ё' or 'ў' or 'Ў' or 'қ' or 'Қ' or 'ғ' or 'Ғ' or 'ҳ' or 'Ҳ'), $"'{name}' mixes scripts");
        Assert.Equal(NameLists.UzbekMale.Length, NameLists.UzbekMale.Distinct().Count());
    }
}
