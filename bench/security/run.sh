#!/usr/bin/env bash
# What security costs (hardening issue): the server hosted in-process twice over one seeded SQLite database, security
# off and on, wrk alternating between them; prints req/s off, on and the ratio per workload and writes the table to
# bench/results/security-<UTC date and time>.md. Loopback only; bounded by wrk's durations. Not part of the tests or CI.
# Usage: bench/security/run.sh [PATIENTS] [SECONDS] [ROUNDS] [CONNECTIONS]     (needs wrk: apt-get install -y wrk)
# Defaults 300 patients, 5 s, 5 rounds, 16 connections: about 6 minutes. A quick check: bench/security/run.sh 150 3 3
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
patients=${1:-300}
seconds=${2:-5}
rounds=${3:-5}
connections=${4:-16}
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

dotnet build -c Release -v q -nologo bench/Shifo.ServerBench >/dev/null
mkdir -p bench/results
report="bench/results/security-$(date -u +%Y%m%d-%H%M).md"
dotnet bench/Shifo.ServerBench/bin/Release/net10.0/Shifo.ServerBench.dll security "$patients" "$seconds" "$rounds" "$connections" "$report"
