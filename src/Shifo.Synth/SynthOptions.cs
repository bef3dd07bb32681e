using Shifo.Synth.Geography;

namespace Shifo.Synth;

/// <summary>What to generate. The same options (seed included) always give byte-identical output.</summary>
public sealed record SynthOptions
{
    public long Seed { get; init; } = 1;

    /// <summary>An ISO 3166-2 code (UZ-SA); null for the whole country.</summary>
    public string? Region { get; init; }

    /// <summary>How many patients; null for the real population of the region or the country.</summary>
    public long? Patients { get; init; }

    /// <summary>"Today" for the generated records: fixed, so that output does not depend on when it is made.</summary>
    public DateOnly ReferenceDate { get; init; } = new(2025, 6, 30);

    /// <summary>Throws <see cref="ArgumentException"/> with a message fit for a user when an option is unusable.</summary>
    public void Validate()
    {
        if (Region is not null && Regions.Find(Region) is null)
            throw new ArgumentException($"unknown region '{Region}'; expected one of {string.Join(", ", Regions.All.Select(r => r.Code))}");
        if (Patients is < 1)
            throw new ArgumentException($"the number of patients must be at least 1 (got {Patients})");
        if (ReferenceDate.Year is < 1990 or > 2099)
            throw new ArgumentException("the reference date must be between 1990 and 2099");
    }
}
