#!/usr/bin/env bash
# Fuzzing on stable Rust: runs the property tests of tests/fuzz.rs with many cases.
#   bench/fuzz.sh            short run (CI; well under the 2-minute cap on 2 cores)
#   bench/fuzz.sh long N     N cases per property, release build; record the figures in FUZZING.md
# Each property (condition pages, guide pages, random-text pages, site.toml, search
# queries) gets the case count; a failure prints the minimised input and exits 1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode=${1:-short}
if [ "$mode" = long ]; then
  cases=${2:-20000}
  profile=(--release)
else
  cases=${2:-2500}
  profile=()
fi
start=$(date +%s)
MEDKB_FUZZ_CASES=$cases cargo test "${profile[@]}" --test fuzz -- --test-threads 2 2>&1 | tee /tmp/medkb-fuzz.log | grep -E "^test |test result|panicked|minimal failing" || true
end=$(date +%s)
if grep -q "test result: ok" /tmp/medkb-fuzz.log; then
  props=$(grep -c "^test .* ok$" /tmp/medkb-fuzz.log)
  echo "fuzz: $props tests ok, $cases cases per property (5 properties = $((5 * cases)) inputs) in $((end - start)) s (including the build); 0 findings"
else
  echo "fuzz: FAILED (see /tmp/medkb-fuzz.log)" >&2
  exit 1
fi
