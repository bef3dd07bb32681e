namespace Shifo.Synth.Geography;

/// <summary>A district (tuman) or city of a region, with its Shifo district code (the 3 digits inside a PINFL).</summary>
public sealed record District(string Name, int Code, double Weight, bool IsCity)
{
    /// <summary>How an address writes it: "Urgut tumani", "Kattaqo'rg'on shahri".</summary>
    public string AddressName => Name + (IsCity ? " shahri" : " tumani");
}

/// <summary>One of the 14 first-level divisions, with the workforce figures the directory is built from.</summary>
public sealed record Region(
    string Code, string NameUz, string NameRu, long Population, string Centre,
    double PhysiciansPer10k, double FacilitiesPer10k, double Latitude, double Longitude, IReadOnlyList<District> Districts);

/// <summary>
/// The regions of Uzbekistan (ISO 3166-2:UZ) with their permanent population on 1 January 2022 (Statistics Agency,
/// as given in design.md) and a representative list of districts.
/// <para>
/// Workforce densities are Shifo's assumptions, not official statistics: physicians of all specialties per 10,000
/// people, shaped on the pattern the Statistics Agency's regional health tables and WHO country profiles describe —
/// about 25 nationally, more than twice that in Tashkent city (national research institutes and teaching hospitals),
/// fewest in Kashkadarya, Surkhandarya and Karakalpakstan. Facilities (family polyclinics, rural health posts and
/// hospitals) per 10,000: about 1.3 nationally (some 5,000 facilities for 37 million people), slightly more where
/// settlements are scattered, most in the capital with its specialised centres. Correct the figures here when better ones are at hand.
/// </para>
/// District weights are rough shares of the region's population (the regional centre weighs most); district codes
/// are Shifo's own numbering (region number × 20 + district number), stable so that PINFLs stay valid.
/// </summary>
public static class Regions
{
    public static IReadOnlyList<Region> All { get; } = Build();

    public static long TotalPopulation { get; } = All.Sum(r => r.Population);

    public static Region? Find(string code) =>
        All.FirstOrDefault(r => string.Equals(r.Code, code, StringComparison.OrdinalIgnoreCase));

    private static IReadOnlyList<Region> Build()
    {
        var list = new List<Region>();
        void Add(string code, string uz, string ru, long pop, double phys, double fac, double lat, double lon, string districts)
        {
            var n = list.Count + 1;
            var ds = new List<District>();
            foreach (var (part, i) in districts.Split(';').Select((p, i) => (p.Trim(), i)))
            {
                // "Name:weight" with a trailing '*' on the name for a city
                var colon = part.LastIndexOf(':');
                var name = part[..colon];
                var isCity = name.EndsWith('*');
                if (isCity) name = name[..^1];
                ds.Add(new District(name, n * 20 + i + 1, double.Parse(part[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), isCity));
            }
            list.Add(new Region(code, uz, ru, pop, ds[0].Name, phys, fac, lat, lon, ds));
        }

        Add("UZ-SA", "Samarqand viloyati", "Самаркандская область", 4_031_299, 21, 1.3, 39.65, 66.96,
            "Samarqand*:14;Kattaqo'rg'on*:3;Urgut:12;Pastdarg'om:8;Payariq:6;Jomboy:4;Bulung'ur:4;Ishtixon:6;Narpay:4;Tayloq:4;Oqdaryo:4;Nurobod:3;Qo'shrabot:3;Paxtachi:3");
        Add("UZ-FA", "Farg'ona viloyati", "Ферганская область", 3_896_393, 19, 1.3, 40.39, 71.78,
            "Farg'ona*:8;Marg'ilon*:6;Qo'qon*:7;Quvasoy*:2;Oltiariq:6;Beshariq:5;Bag'dod:5;Buvayda:6;Dang'ara:4;Furqat:3;Quva:6;Rishton:5;Toshloq:5;Uchko'prik:6;Yozyovon:3;So'x:2;O'zbekiston:6");
        Add("UZ-QA", "Qashqadaryo viloyati", "Кашкадарьинская область", 3_408_313, 14, 1.4, 38.86, 65.79,
            "Qarshi*:9;Shahrisabz*:3;Kitob:7;G'uzor:5;Dehqonobod:4;Kasbi:6;Koson:8;Muborak:3;Nishon:4;Chiroqchi:10;Yakkabog':7;Qamashi:7;Mirishkor:3");
        Add("UZ-AN", "Andijon viloyati", "Андижанская область", 3_253_501, 22, 1.3, 40.78, 72.34,
            "Andijon*:14;Asaka:9;Xonobod*:2;Oltinko'l:6;Baliqchi:6;Bo'z:4;Buloqboshi:3;Izboskan:8;Jalaquduq:7;Marhamat:6;Paxtaobod:6;Qo'rg'ontepa:6;Shahrixon:8;Xo'jaobod:3;Ulug'nor:2");
        Add("UZ-TO", "Toshkent viloyati", "Ташкентская область", 2_941_620, 17, 1.3, 41.23, 69.72,
            "Nurafshon*:2;Angren*:6;Olmaliq*:5;Chirchiq*:6;Bekobod*:3;Bo'stonliq:5;Qibray:8;Zangiota:7;Yangiyo'l:8;Parkent:5;Piskent:4;Oqqo'rg'on:4;Ohangaron:4;O'rtachirchiq:5;Chinoz:5;Yuqorichirchiq:4");
        Add("UZ-NG", "Namangan viloyati", "Наманганская область", 2_931_066, 18, 1.3, 41.00, 71.67,
            "Namangan*:19;Chortoq:7;Chust:9;Kosonsoy:7;Mingbuloq:4;Norin:6;Pop:7;To'raqo'rg'on:7;Uychi:6;Uchqo'rg'on:6;Yangiqo'rg'on:6;Davlatobod:4");
        Add("UZ-TK", "Toshkent shahri", "город Ташкент", 2_860_511, 62, 1.6, 41.31, 69.28,
            "Chilonzor:9;Yunusobod:10;Mirzo Ulug'bek:9;Yashnobod:8;Olmazor:12;Sergeli:7;Shayxontohur:10;Uchtepa:9;Yakkasaroy:4;Mirobod:5;Bektemir:1;Yangihayot:5");
        Add("UZ-SU", "Surxondaryo viloyati", "Сурхандарьинская область", 2_743_196, 13, 1.4, 37.22, 67.28,
            "Termiz*:7;Denov:12;Angor:4;Boysun:4;Jarqo'rg'on:9;Qiziriq:4;Qumqo'rg'on:8;Muzrabot:5;Oltinsoy:6;Sariosiyo:6;Sherobod:7;Sho'rchi:7;Uzun:5");
        Add("UZ-BU", "Buxoro viloyati", "Бухарская область", 1_976_866, 25, 1.3, 39.77, 64.42,
            "Buxoro*:15;Kogon*:4;G'ijduvon:11;Jondor:9;Olot:5;Peshku:8;Qorako'l:7;Qorovulbozor:1;Romitan:7;Shofirkon:8;Vobkent:7");
        Add("UZ-QR", "Qoraqalpog'iston Respublikasi", "Республика Каракалпакстан", 1_948_496, 14, 1.4, 42.46, 59.60,
            "Nukus*:17;Amudaryo:9;Beruniy:10;Chimboy:6;Ellikqal'a:8;Kegeyli:5;Mo'ynoq:2;Qo'ng'irot:7;Qorao'zak:3;Shumanay:3;Taxtako'pir:2;To'rtko'l:12;Xo'jayli:8");
        Add("UZ-XO", "Xorazm viloyati", "Хорезмская область", 1_924_167, 20, 1.3, 41.55, 60.63,
            "Urganch*:9;Xiva*:5;Bog'ot:8;Gurlan:8;Hazorasp:9;Xonqa:8;Qo'shko'pir:7;Shovot:7;Yangiariq:6;Yangibozor:4;Urganch:9");
        Add("UZ-JI", "Jizzax viloyati", "Джизакская область", 1_443_380, 16, 1.4, 40.12, 67.84,
            "Jizzax*:13;Arnasoy:3;Baxmal:10;Do'stlik:4;Forish:6;G'allaorol:12;Mirzacho'l:3;Paxtakor:4;Yangiobod:2;Zafarobod:4;Zarbdor:5;Zomin:10");
        Add("UZ-NW", "Navoiy viloyati", "Навоийская область", 1_033_869, 22, 1.4, 40.10, 65.38,
            "Navoiy*:15;Zarafshon*:8;Karmana:11;Konimex:4;Navbahor:9;Nurota:9;Qiziltepa:12;Tomdi:1;Uchquduq:3;Xatirchi:17");
        Add("UZ-SI", "Sirdaryo viloyati", "Сырдарьинская область", 878_599, 18, 1.3, 40.49, 68.78,
            "Guliston*:10;Yangiyer*:5;Shirin*:2;Boyovut:12;Guliston:7;Mirzaobod:6;Oqoltin:5;Sardoba:6;Sayxunobod:8;Sirdaryo:9;Xovos:9");
        return list;
    }
}
