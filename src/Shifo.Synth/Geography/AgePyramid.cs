namespace Shifo.Synth.Geography;

/// <summary>
/// Age and sex of the population. Five-year age groups as shares of the total, shaped on Uzbekistan's young
/// pyramid (median age about 29; a third of the people under 18); an assumption rounded from the published
/// structure, not an official table. Slightly more men than women below 60, more women above.
/// </summary>
public static class AgePyramid
{
    // shares (percent) of the age groups 0-4, 5-9, ..., 80-84, 85-99
    private static readonly double[] GroupShares =
        [10.2, 9.9, 8.9, 7.6, 7.3, 8.2, 8.7, 7.7, 6.7, 5.7, 5.0, 4.8, 3.9, 2.9, 1.7, 0.9, 0.5, 0.3];

    private static readonly WeightedTable Groups = new(GroupShares);

    /// <summary>Draws an age in years and a sex.</summary>
    public static (int Age, bool Male) Draw(SynthRandom rng)
    {
        var g = Groups.Draw(rng);
        var age = g == GroupShares.Length - 1 ? rng.Between(85, 99) : g * 5 + rng.Next(5);
        var maleShare = age < 60 ? 0.505 : age < 75 ? 0.45 : 0.38;
        return (age, rng.Chance(maleShare));
    }
}
