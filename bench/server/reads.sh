#!/usr/bin/env bash
# Read by id only (bench/README.md "Read by id"): a small store loaded into SQLite and PostgreSQL, then the `reads`
# benchmark (wrk, ratio to /livez of the same server) on SQLite, on PostgreSQL with the read cache off, and on
# PostgreSQL with it on, one after the other in the same run. A throwaway cluster and a temporary SQLite file.
# Usage: bench/server/reads.sh [COPIES] [SECONDS] [ROUNDS]     (defaults 4, 10, 3; needs wrk)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
copies=${1:-4}
seconds=${2:-10}
rounds=${3:-3}
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

scripts/fetch-fhir-package.sh >/dev/null
dotnet build -c Release -v q -nologo src/Shifo.Server >/dev/null
dotnet build -c Release -v q -nologo bench/Shifo.ServerBench >/dev/null
bench="dotnet bench/Shifo.ServerBench/bin/Release/net10.0/Shifo.ServerBench.dll"
source bench/server/pg.sh

source bench/server/workdir.sh
bench_workdir shifo-reads

# PROVIDER TARGET CACHE(true|false) NAME: starts the Release server, runs `reads`, stops it
measure() {
  local port; port=$(free_port)
  local base="http://127.0.0.1:$port"
  if [ "$1" = sqlite ]; then export SHIFO_Store__SqlitePath="$2"; else export SHIFO_Store__PostgresConnectionString="$2"; fi
  SHIFO_Urls="$base" SHIFO_Store__Provider="$1" SHIFO_Store__ReadCache__Enabled="$3" SHIFO_Logging__LogLevel__Default=Warning \
    SHIFO_Security__Enabled=false SHIFO_Security__RateLimit__Enabled=false \
    dotnet src/Shifo.Server/bin/Release/net10.0/Shifo.Server.dll >"$work/server.log" 2>&1 &
  server_pid=$!
  local up=""
  for _ in $(seq 1 300); do curl -sf "$base/livez" >/dev/null && { up=1; break; }; sleep 0.2; done
  [ -n "$up" ] || { cat "$work/server.log" >&2; return 1; }
  local postmaster=0
  [ "$1" = postgres ] && postmaster=$(head -1 "$pg_dir/data/postmaster.pid")
  echo "== $4: read by id vs /livez (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  $bench reads "$base" "$4" "$copies" "$seconds" 16 "$rounds" "$server_pid" "$postmaster" >>"$work/reads.md" || true
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

echo "== load $copies copies into SQLite and PostgreSQL" >&2
$bench load sqlite "$work/shifo.db" 0 "$copies" 500 2 30 >/dev/null
pg_start
$bench load postgres "$pg_cs" 0 "$copies" 500 2 30 >/dev/null

measure sqlite "$work/shifo.db" false SQLite
measure postgres "$pg_cs" false "PostgreSQL, read cache off"
measure postgres "$pg_cs" true "PostgreSQL, read cache on"

{
  echo "Read by id, $(date -u +%Y-%m-%dT%H:%MZ), $copies copies, $(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| what | store | rate | reference: /livez | ratio | CPU per request | errors |"
  echo "|---|---|---|---|---|---|---|"
  cat "$work/reads.md"
}
