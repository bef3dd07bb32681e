using Shifo.Bench;

// Shifo's benchmarks; bench/run.sh runs them all. Build and run in Release.
switch (args.FirstOrDefault())
{
    case "parse-validate":
        ParseValidateReport.Run(args[1..]);
        return 0;
    case "parse-validate-quick":
        return ParseValidateQuick.Run(args[1..]);
    case "fhirpath":
        return FhirPathComparison.Run(args[1..]);
    case "synth":
        return SynthLoad.Run(args[1..]);
    case "server-cpu-path":
        return ServerCpuPath.Run(args[1..]);
    default:
        Console.Error.WriteLine("usage: Shifo.Bench parse-validate [BenchmarkDotNet options] | parse-validate-quick [CORPUS [ROUNDS [METHOD]]] | fhirpath [MILLISECONDS_PER_CASE [ROUNDS]] | synth [PATIENTS] [OUT_DIR] | server-cpu-path [PATIENTS [ROUNDS]]");
        return 2;
}
