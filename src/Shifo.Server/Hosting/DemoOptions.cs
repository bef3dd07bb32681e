namespace Shifo.Server.Hosting;

/// <summary>
/// The demo data set, configuration section "Demo" (`--demo` on the command line, or SHIFO_Demo__Enabled=true):
/// a small seeded synthetic region loaded at start into an empty store, so that a newcomer sees data at once.
/// </summary>
public sealed class DemoOptions
{
    public bool Enabled { get; set; }

    /// <summary>Syrdarya, the smallest region: a few hundred patients of it load in seconds.</summary>
    public string Region { get; set; } = "UZ-SI";

    public long Patients { get; set; } = 300;

    public long Seed { get; set; } = 1;
}

/// <summary>What the demo loader did, for the landing page.</summary>
public sealed class DemoStatus
{
    public bool Loaded { get; set; }
    public long Patients { get; set; }
    public long Resources { get; set; }
}
