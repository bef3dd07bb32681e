#!/usr/bin/env bash
# Installs what the tests need and runs every test of the solution; exits non-zero on any failure.
#  - npm and openssl, which fetch the official FHIR R4 package (scripts/fetch-fhir-package.sh,
#    pinned and integrity-checked), and that package itself
#  - Debian's PostgreSQL server packages when no initdb is installed: the storage tests start a
#    throwaway cluster from them
# Debian packages are installed with apt-get only as root or through sudo. Benchmark dependencies
# (bench/fhirpath-js node modules) are not needed by the tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

missing=()
command -v npm >/dev/null || missing+=(npm)
command -v openssl >/dev/null || missing+=(openssl)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=()
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n)
  else echo "missing ${missing[*]}, and apt-get needs root: install them first" >&2; exit 1
  fi
  echo "installing with apt-get: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

scripts/fetch-fhir-package.sh >/dev/null

dotnet test Shifo.slnx
