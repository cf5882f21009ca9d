#!/usr/bin/env bash
# Runs every libFuzzer target of a -DBAM_FUZZ=ON build for FUZZ_SECONDS each (default 300), starting
# from the committed corpus in tests/fuzz/corpus/<target>/. Exits non-zero on the first crash and
# leaves the crashing input in the work directory.
#
#   tests/fuzz/run.sh BUILD_DIR [--update-corpus]
#     --update-corpus  merge newly found interesting inputs back into the committed corpus
#   FUZZ_SECONDS=N     seconds per target (default 300)
#   FUZZ_TARGETS="a b" only these targets (default: every one in BUILD_DIR/fuzz)
#
# Build first:  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DBAM_FUZZ=ON && cmake --build build-fuzz
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="$(cd "${1:?usage: run.sh BUILD_DIR [--update-corpus]}" && pwd)"
UPDATE="${2:-}"
SECONDS_EACH="${FUZZ_SECONDS:-300}"
WORK="$(mktemp -d /tmp/bam-fuzz.XXXXXX)"
shopt -s nullglob
if [ -n "${FUZZ_TARGETS:-}" ]; then
  targets=()
  for t in $FUZZ_TARGETS; do targets+=("$BUILD/fuzz/$t"); done
else
  targets=("$BUILD"/fuzz/*)
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "run.sh: no fuzz targets in $BUILD/fuzz (configure with -DBAM_FUZZ=ON)" >&2
  exit 1
fi
for target in "${targets[@]}"; do
  name="$(basename "$target")"
  corpus="$ROOT/tests/fuzz/corpus/$name"
  mkdir -p "$WORK/$name/corpus" "$corpus"
  cp -r "$corpus/." "$WORK/$name/corpus/" 2>/dev/null || true
  echo "fuzz: $name for ${SECONDS_EACH}s (seed corpus: $(ls "$corpus" | wc -l) inputs)"
  (cd "$WORK/$name" && "$target" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 corpus > log.txt 2>&1) || {
    echo "fuzz: $name FAILED; see $WORK/$name/log.txt" >&2
    tail -40 "$WORK/$name/log.txt" >&2
    exit 1
  }
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$WORK/$name/log.txt" | sed "s/^/  /"
  if [ "$UPDATE" = "--update-corpus" ]; then
    "$target" -merge=1 "$corpus" "$WORK/$name/corpus" > /dev/null 2>&1
    echo "  corpus now $(ls "$corpus" | wc -l) inputs"
  fi
done
rm -rf "$WORK"
echo "fuzz: all targets ran ${SECONDS_EACH}s without a crash"
