namespace Shifo.Synth.Tests;

public class DeterminismTests
{
    [Theory]
    [InlineData("ndjson")]
    [InlineData("bundle")]
    public void Same_seed_and_options_give_byte_identical_output(string format)
    {
        var options = new SynthOptions { Seed = 42, Patients = 150 };
        var a = Generated.Run(options, format);
        var b = Generated.Run(options, format);
        Assert.Equal(a.Files.Keys.Order(), b.Files.Keys.Order());
        foreach (var (name, bytes) in a.Files)
            Assert.True(bytes.AsSpan().SequenceEqual(b.Files[name]), $"{name} differs between two runs with the same seed");
    }

    [Fact]
    public void A_different_seed_gives_a_different_population()
    {
        var a = Generated.Run(new SynthOptions { Seed = 1, Patients = 50 });
        var b = Generated.Run(new SynthOptions { Seed = 2, Patients = 50 });
        Assert.False(a.Files["Patient.ndjson"].AsSpan().SequenceEqual(b.Files["Patient.ndjson"]));
        var idsA = a.Json("Patient").Select(p => p.GetProperty("id").GetString()).ToHashSet();
        Assert.DoesNotContain(b.Json("Patient").Select(p => p.GetProperty("id").GetString()), idsA.Contains);
    }

    [Fact]
    public void Patients_do_not_depend_on_how_many_follow()
    {
        // each patient has its own random stream: the first 30 of 60 are the 30 of a 30-patient run (same region mix)
        var small = Generated.Run(new SynthOptions { Seed = 7, Patients = 30, Region = "UZ-NG" });
        var large = Generated.Run(new SynthOptions { Seed = 7, Patients = 60, Region = "UZ-NG" });
        var smallNames = small.Json("Patient").Select(p => p.GetProperty("name").GetRawText()).ToList();
        var largeNames = large.Json("Patient").Take(30).Select(p => p.GetProperty("name").GetRawText()).ToList();
        Assert.Equal(smallNames, largeNames);
    }
}
