#!/usr/bin/env bash
# Issue 4's ingest benchmark, end to end, printing the table of bench/README.md ("Ingest"):
#   `shifo synth` output (N patients, as NDJSON and as transaction Bundles) into the Release server on a throwaway
#   PostgreSQL cluster, validation and full indexing on:
#   1. transaction Bundles posted by CLIENTS concurrent clients (the directory Bundles first, then one per patient)
#   2. $import of the NDJSON files (into a second, empty database)
#   each beside the reference of the same run, measured just before it: COPY of the same resource JSON lines into a
#   bare table (doc jsonb). Rates in resources/s, the ratio to COPY, the rate of the first and last 10 % of the
#   resources, the server's peak RSS (VmHWM). Loopback only; everything removed at the end. Not part of the tests.
# Usage: bench/ingest/run.sh [PATIENTS] [CLIENTS]      (SHIFO_BENCH_SERVER=path/Shifo.Server.dll to measure another build)
#   SHIFO_BENCH_ONLY=import: skips the transaction Bundles (a large $import for growth and peak RSS in reasonable time)
#   SHIFO_BENCH_PERF=dir: `perf record -g` of the server during each phase into dir/{tx,import}.perf.data, managed
#   frames resolved (perf map on, W^X off); read with `perf report -i dir/tx.perf.data --no-children --sort symbol`
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
patients=${1:-1000}
clients=${2:-4}
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

scripts/fetch-fhir-package.sh >/dev/null
for project in src/Shifo.Server src/Shifo.Cli bench/Shifo.ServerBench; do dotnet build -c Release -v q -nologo "$project" >/dev/null; done
# SHIFO_BENCH_SERVER: another build of the server (e.g. a copy of the Release output before a change), same clients
server_dll=${SHIFO_BENCH_SERVER:-src/Shifo.Server/bin/Release/net10.0/Shifo.Server.dll}
bench="dotnet bench/Shifo.ServerBench/bin/Release/net10.0/Shifo.ServerBench.dll"
shifo="dotnet src/Shifo.Cli/bin/Release/net10.0/shifo.dll"
[ -f src/Shifo.Cli/bin/Release/net10.0/shifo.dll ] || shifo="dotnet src/Shifo.Cli/bin/Release/net10.0/Shifo.Cli.dll"
source bench/server/pg.sh

source bench/server/workdir.sh
bench_workdir shifo-ingest

# starts the Release server on the PostgreSQL database DB, waits for /livez, sets $base and $server_pid
start_server() {
  local port; port=$(free_port)
  base="http://127.0.0.1:$port"
  # security off: the figures are about the write path (issue 5's benchmark measures security's share)
  SHIFO_Urls="$base" SHIFO_Store__Provider=postgres SHIFO_Store__PostgresConnectionString="${pg_cs/Database=shifo/Database=$1}" \
    SHIFO_Logging__LogLevel__Default=Warning SHIFO_Security__Enabled=false SHIFO_Security__RateLimit__Enabled=false \
    SHIFO_Bulk__Folder="$work/bulk" SHIFO_Bulk__ImportFolder="$work/ndjson" \
    env ${SHIFO_BENCH_PERF:+DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0} \
    dotnet "$server_dll" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do curl -sf "$base/livez" >/dev/null && return 0; sleep 0.2; done
  cat "$work/server.log" >&2; return 1
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }
perf_pid=""
# perf_start NAME / perf_stop: samples the server's stacks during one phase (SHIFO_BENCH_PERF only)
perf_start() {
  [ -n "${SHIFO_BENCH_PERF:-}" ] || return 0
  mkdir -p "$SHIFO_BENCH_PERF"
  perf record -g -F 499 -p "$server_pid" -o "$SHIFO_BENCH_PERF/$1.perf.data" >/dev/null 2>&1 &
  perf_pid=$!
}
perf_stop() { [ -n "$perf_pid" ] || return 0; kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true; perf_pid=""; }

echo "== synth: $patients patients, NDJSON and transaction Bundles" >&2
$shifo synth --out "$work/ndjson" --format ndjson --patients "$patients" --seed 4 >&2
[ "${SHIFO_BENCH_ONLY:-}" = import ] || $shifo synth --out "$work/bundles" --format bundle --patients "$patients" --seed 4 >&2

pg_start
pg_as "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres shifo_tx
pg_as "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres shifo_import
rows="$work/rows.md"
postmaster=$(head -1 "$pg_dir/data/postmaster.pid")
copy() { $bench ingest-copy "$pg_cs" "$work/ndjson" "$postmaster" >>"$rows"; }

if [ "${SHIFO_BENCH_ONLY:-}" != import ]; then
echo "== transaction Bundles, $clients clients" >&2
copy
start_server shifo_tx
perf_start tx
$bench ingest-tx "$base" "$work/bundles" "$clients" "$server_pid" "$postmaster" "$work/copy-reference" >>"$rows" || echo "(some Bundles failed)" >&2
perf_stop
stop_server
fi

echo "== \$import" >&2
copy
start_server shifo_import
perf_start import
$bench ingest-import "$base" "${pg_cs/Database=shifo/Database=shifo_import}" "$work/ndjson" "$server_pid" "$postmaster" "$work/copy-reference" >>"$rows" || echo "(the import was incomplete)" >&2
perf_stop
stop_server

{
  echo "Ingest, $(date -u +%Y-%m-%dT%H:%MZ), $patients patients, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| what | resources | time | rate | ratio to COPY | first → last 10 % | server CPU / resource | PostgreSQL CPU / resource | CPU ratio to COPY | server peak RSS | failed |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$rows"
}
