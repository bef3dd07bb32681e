#!/usr/bin/env bash
# Runs every Shifo benchmark and prints the figures bench/README.md reports:
#   1. definitions load time in a cold process (median of 7 runs of `shifo definitions`)
#   2. FHIRPath: Shifo against fhirpath.js, side by side, one thread
#   3. parse + validate throughput against a plain JsonDocument.Parse (BenchmarkDotNet)
# Not part of the tests or CI. Usage: bench/run.sh [MILLISECONDS_PER_FHIRPATH_CASE [ROUNDS]]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
ms=${1:-1000}
rounds=${2:-3}
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

scripts/fetch-fhir-package.sh >/dev/null
(cd bench/fhirpath-js && npm ci --no-audit --no-fund --ignore-scripts --silent)
dotnet build -c Release -v q -nologo src/Shifo.Cli
dotnet build -c Release -v q -nologo bench/Shifo.Bench

echo "== definitions load time (cold process, median of 7)"
shifo="src/Shifo.Cli/bin/Release/net10.0/shifo.dll"
runs=$(for _ in 1 2 3 4 5 6 7; do
  dotnet "$shifo" definitions | sed -n 's/^definitions load time: \([0-9.]*\) ms (CPU \([0-9.]*\) ms)$/\1 \2/p'
done)
wall=$(cut -d' ' -f1 <<<"$runs" | sort -n | sed -n 4p)
cpu=$(cut -d' ' -f2 <<<"$runs" | sort -n | sed -n 4p)
echo "definitions load time: median $wall ms wall, $cpu ms CPU (target < 300 ms)"
dotnet "$shifo" definitions

bench="bench/Shifo.Bench/bin/Release/net10.0/Shifo.Bench.dll"
echo "== FHIRPath: Shifo vs fhirpath.js"
dotnet "$bench" fhirpath "$ms" "$rounds"

echo "== parse + validate vs JsonDocument.Parse"
mkdir -p bench/BenchmarkDotNet.Artifacts
log=bench/BenchmarkDotNet.Artifacts/parse-validate.log
(cd bench && dotnet "../$bench" parse-validate) >"$log"
sed -n '/^parse + validate, one thread/,$p' "$log"
echo "(BenchmarkDotNet's full output: $log)"
