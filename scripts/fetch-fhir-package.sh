#!/usr/bin/env bash
# Fetches the official FHIR R4 package from the npm registry at a pinned version, checks its
# integrity against the pinned hash, and unpacks it to .fhir-packages/ (git-ignored).
# Usage: scripts/fetch-fhir-package.sh [NAME@VERSION]   (default: hl7.fhir.r4.examples@4.0.1)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
spec=${1:-hl7.fhir.r4.examples@4.0.1}
declare -A integrity=(
  ["hl7.fhir.r4.examples@4.0.1"]="sha512-DXBdIZOeQaSKIgCU7w6HOC7sw/6BzylmipLkBW4f//pT+Bc94x+8LImwTdvaNThPJoOzpBzvxAzNqjeu3X/zLw=="
)
expected=${integrity[$spec]:-}
[ -n "$expected" ] || { echo "no pinned integrity for $spec: add it to $0" >&2; exit 2; }
dest="$root/.fhir-packages/$spec"
if [ -f "$dest/.verified" ]; then echo "$dest"; exit 0; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$spec" >/dev/null 2>&1)
tgz=$(ls "$work"/*.tgz)
actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [ "$actual" != "$expected" ]; then
  echo "integrity mismatch for $spec: expected $expected, got $actual" >&2; exit 1
fi
rm -rf "$dest"; mkdir -p "$dest"
tar xzf "$tgz" -C "$dest" --strip-components=1
touch "$dest/.verified"
echo "$dest"
