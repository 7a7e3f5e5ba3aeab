#!/usr/bin/env bash
# Build time and search bytes of the bundled site, bilingual (English + Spanish, as
# committed) vs English-only (the same site without [languages] and content/es/).
# Prints the BENCHMARKS.md table rows. Usage: bash bench/i18n_bench.sh [RUNS]
# (MEDKB_BIN defaults to target/release/medkb).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${MEDKB_BIN:-$ROOT/target/release/medkb}"
RUNS="${1:-5}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

mkdir -p "$WORK/bi" "$WORK/en"
(cd "$ROOT" && git ls-files content site.toml synonyms.toml | tar -cf - -T -) | tar -xf - -C "$WORK/bi"
cp -r "$WORK/bi/." "$WORK/en/"
rm -rf "$WORK/en/content/es"
# English-only: site.toml up to the first [languages.*] table.
awk '/^\[languages\./{exit} {print}' "$ROOT/site.toml" > "$WORK/en/site.toml"

bytes() { [ -d "$1" ] || { echo 0; return; }; find "$1" "${@:2}" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }

for site in en bi; do
  times=()
  cpus=()
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/out-$site"
    start=$(date +%s.%N)
    # CPU seconds (user + system) as well as wall time: the machine is shared, and
    # CPU time is what the build itself costs.
    MEDKB_TODAY=2026-11-21 /usr/bin/time -f "%U %S" -o "$WORK/time" "$BIN" build --root "$WORK/$site" --output "$WORK/out-$site" >/dev/null 2>&1
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
    cpus+=("$(awk '{print $1 + $2}' "$WORK/time")")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}')
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}')
  out="$WORK/out-$site"
  pages=$(find "$out" -name index.html | wc -l)
  en_index=$(bytes "$out/search" -not -name '*.js' -not -name '*.wasm' -not -name '*.xz' -not -path "$out/search/es/*")
  en_head=$(( $(bytes "$out/search" -maxdepth 1 -name head.gz) + $(bytes "$out/search" -maxdepth 1 -name manifest.json) ))
  es_index=$(bytes "$out/es/search")
  es_head=$(( $(bytes "$out/es/search" -maxdepth 1 -name head.gz) + $(bytes "$out/es/search" -maxdepth 1 -name manifest.json) ))
  wasm_xz=$(bytes "$out/search" -maxdepth 1 -name 'medkb_search.wasm.xz')
  echo "| $site | $pages | ${median} s | ${cpu} s | $en_index B (manifest + head $en_head B) | $es_index B (manifest + head $es_head B) | $wasm_xz B |"
done
