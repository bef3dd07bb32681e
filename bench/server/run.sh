#!/usr/bin/env bash
# The server benchmarks of issue 3, end to end, printing the tables of bench/README.md ("Server"):
#   1. load the Synthea data multiplied (validated, fully indexed, batched) into SQLite and PostgreSQL
#   2. read by id under wrk, as a ratio to /livez of the same server in the same run
#   3. search latency p50/p95/p99 of typical queries, beside read by id measured in the same run
# at SMALL copies (32 = 100 thousand resources) on both stores and LARGE copies (320 = 1 million) on PostgreSQL.
# A throwaway PostgreSQL cluster and a temporary SQLite file, removed at the end; loopback only; every load
# bounded by wrk's duration or a sample count and a time limit. Not part of the tests or CI.
# Usage: bench/server/run.sh [SMALL_COPIES] [LARGE_COPIES]     (needs wrk: apt-get install wrk)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
small=${1:-32}
large=${2:-320}
read_seconds=${SHIFO_BENCH_READ_SECONDS:-10}
samples=${SHIFO_BENCH_SAMPLES:-200}
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

scripts/fetch-fhir-package.sh >/dev/null
dotnet build -c Release -v q -nologo src/Shifo.Server >/dev/null
dotnet build -c Release -v q -nologo bench/Shifo.ServerBench >/dev/null
bench="dotnet bench/Shifo.ServerBench/bin/Release/net10.0/Shifo.ServerBench.dll"
source bench/server/pg.sh

source bench/server/workdir.sh
bench_workdir shifo-bench
report="$work/report.md"

# starts the Release server on PROVIDER TARGET, waits for /livez, sets $base
start_server() {
  local port; port=$(free_port)
  base="http://127.0.0.1:$port"
  if [ "$1" = sqlite ]; then export SHIFO_Store__SqlitePath="$2"; else export SHIFO_Store__PostgresConnectionString="$2"; fi
  # the benchmarks measure FHIR behaviour without tokens (security off) and without the per-client rate limit
  # (200 requests per second by default: wrk would measure the limiter's refusals)
  SHIFO_Urls="$base" SHIFO_Store__Provider="$1" SHIFO_Logging__LogLevel__Default=Warning SHIFO_Security__Enabled=false \
    SHIFO_Security__RateLimit__Enabled=false \
    dotnet src/Shifo.Server/bin/Release/net10.0/Shifo.Server.dll >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do curl -sf "$base/livez" >/dev/null && return 0; sleep 0.2; done
  cat "$work/server.log" >&2; return 1
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

# measures reads and searches on a loaded store: PROVIDER TARGET NAME COPIES
measure() {
  start_server "$1" "$2"
  echo "== $3, $4 copies: read by id vs /livez" >&2
  # CPU per request: the server's, and on PostgreSQL its backends' (children of the postmaster)
  local postmaster=0
  [ "$1" = postgres ] && postmaster=$(head -1 "$pg_dir/data/postmaster.pid")
  $bench reads "$base" "$3" "$4" "$read_seconds" 16 5 "$server_pid" "$postmaster" >>"$work/reads.md" || true
  echo "== $3, $4 copies: search latency" >&2
  { $bench search "$base" "$3" "$4" "$samples" 60 || true; echo; } >>"$work/search.md"
  stop_server
}

echo "== SQLite: load $small copies" >&2
$bench load sqlite "$work/shifo.db" 0 "$small" 500 2 90 >>"$work/load.md"
measure sqlite "$work/shifo.db" SQLite "$small"
rm -f "$work"/shifo.db*

echo "== PostgreSQL: cluster on a free port, load $small copies" >&2
pg_start
$bench load postgres "$pg_cs" 0 "$small" 500 2 90 >>"$work/load.md"
measure postgres "$pg_cs" PostgreSQL "$small"
if [ "$large" -gt "$small" ]; then
  echo "== PostgreSQL: load copies $small to $large" >&2
  $bench load postgres "$pg_cs" "$small" "$large" 500 2 180 >>"$work/load.md"
  measure postgres "$pg_cs" PostgreSQL "$large"
fi

{
  echo "Server benchmarks, $(date -u +%Y-%m-%d), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| step | store | copies | resources | time | rate | parse + validate alone, 1 thread | ratio | rejected | ANALYZE |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  cat "$work/load.md"
  echo
  echo "| what | store | rate | reference: /livez | ratio | CPU per request | errors |"
  echo "|---|---|---|---|---|---|---|"
  cat "$work/reads.md"
  echo
  cat "$work/search.md"
} | tee "$report"
