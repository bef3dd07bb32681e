#!/usr/bin/env bash
# Installs what the tests need and runs every test of the solution; exits non-zero on any failure.
#  - the official FHIR R4 package (scripts/fetch-fhir-package.sh, pinned and integrity-checked)
#  - Debian's PostgreSQL server packages when no initdb is installed: the storage tests start a
#    throwaway cluster from them (apt-get only as root or through sudo)
# Benchmark dependencies (bench/fhirpath-js node modules) are not needed by the tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/scripts/fetch-fhir-package.sh" >/dev/null

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"
  else echo "PostgreSQL server binaries are missing and apt-get needs root: install 'postgresql' first" >&2; exit 1
  fi
  echo "installing the PostgreSQL server packages (apt-get)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

dotnet test Shifo.slnx
