using System.Diagnostics;
using Shifo.Fhir.Definitions;

namespace Shifo.Cli.Commands;

/// <summary>
/// `shifo definitions`: loads the R4 definitions the way a starting server does (a resource type lookup,
/// one structure, the value sets) and prints how long each step took in this fresh process.
/// </summary>
public static class DefinitionsCommand
{
    public static int Run(string[] args, TextWriter stdout)
    {
        if (args.Length > 0) throw new CliInputException($"definitions takes no arguments, got '{args[0]}'");
        // wall time is what a user waits; CPU time is steadier on a busy machine, so both are printed
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var total = Stopwatch.StartNew();
        var step = Stopwatch.StartNew();
        var defs = FhirDefinitions.R4;
        var isResource = defs.IsResourceType("Patient");
        var typeLookup = step.Elapsed;

        step.Restart();
        var patient = defs.GetType("Patient") ?? throw new InvalidOperationException("Patient is missing from the definitions");
        var structure = step.Elapsed;

        step.Restart();
        var gender = defs.GetValueSet("http://hl7.org/fhir/ValueSet/administrative-gender");
        var valueSets = step.Elapsed;
        total.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        stdout.WriteLine($"FHIR {FhirDefinitions.FhirVersion}: {defs.ResourceTypeNames.Count} resource types, {defs.DataTypeNames.Count} data types");
        stdout.WriteLine($"resource type lookup (Patient: {isResource}): {Ms(typeLookup)}");
        stdout.WriteLine($"structure Patient ({patient.Elements.Count} elements): {Ms(structure)}");
        stdout.WriteLine($"value sets (administrative-gender found: {gender is not null}): {Ms(valueSets)}");
        stdout.WriteLine($"definitions load time: {Ms(total.Elapsed)} (CPU {Ms(cpu)})");
        stdout.WriteLine($"process start to here: {Ms(DateTime.Now - Process.GetCurrentProcess().StartTime)}");
        return ExitCodes.Ok;
    }

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:F1} ms";
}
