#!/usr/bin/env bash
# From nothing to every test green: installs the Debian packages, builds with -Werror, runs every
# test (unit, golden, end-to-end against the real promtool), then the unit and end-to-end tests
# again under AddressSanitizer + UBSan, then each fuzz target briefly on its committed corpus.
# The last step runs every test of the release build, including the "slow" ones (bam-loggen holding
# 20,000 lines/s for a minute), so its ctest summary is the run's verdict.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"

scripts/install-deps.sh

echo "== build (RelWithDebInfo, -Werror)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBAM_WERROR=ON > /dev/null
cmake --build build -j "$JOBS"

echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBAM_WERROR=ON -DBAM_SANITIZE=ON > /dev/null
cmake --build build-asan -j "$JOBS"

echo "== fuzz smoke (libFuzzer, clang)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBAM_FUZZ=ON -DBAM_WERROR=ON > /dev/null
cmake --build build-fuzz -j "$JOBS"
FUZZ_SECONDS="${FUZZ_SECONDS:-15}" tests/fuzz/run.sh build-fuzz

echo "== tests under ASan + UBSan (all but the timing-bound 'slow' ones)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$JOBS" -LE slow

echo "== tests"
ctest --test-dir build --output-on-failure -j "$JOBS"
