#!/usr/bin/env bash
# Side-by-side benchmark: bam-exporter --one-shot vs mtail --one_shot on the peer's synthetic
# e-commerce log (../shared/peers/mtail/gen_ecommerce_log.py), same metrics, same file, same run.
# Checks both give the same numbers, then writes bench/RESULTS.md.
#
#   bench/run.sh [N_LINES=1000000] [RUNS=3]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEER="$ROOT/../shared/peers/mtail"
N="${1:-1000000}"
RUNS="${2:-3}"
W="$ROOT/bench/work"
mkdir -p "$W/progs"
cp "$PEER/ecommerce.mtail" "$W/progs/"

[ -x "$ROOT/build/bin/bam-exporter" ] || {
  cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
  cmake --build "$ROOT/build" --target bam-exporter > /dev/null
}
LOG="$W/ecommerce-$N.jsonl"
[ -f "$LOG" ] || python3 "$PEER/gen_ecommerce_log.py" "$LOG" "$N" 42
cat "$LOG" > /dev/null   # warm the page cache for both

measure() {  # name, output file, command...
  local name="$1" out="$2"; shift 2
  for i in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "$name %e %U %S %M" -o "$W/time-$name-$i.txt" "$@" > "$out" 2> "$W/err-$name.txt"
    cat "$W/time-$name-$i.txt" | tail -1
  done
}

{
  measure bam "$W/bam.prom" sh -c "'$ROOT/build/bin/bam-exporter' --config.file='$ROOT/bench/ecommerce-bench.yml' --one-shot < '$LOG'"
  measure mtail "$W/mtail.prom" mtail --one_shot --one_shot_format prometheus --progs "$W/progs" \
      --logs "$LOG" --address 127.0.0.1 --port 0 --logtostderr
} > "$W/times.txt"

python3 "$ROOT/bench/compare.py" "$W/bam.prom" "$W/mtail.prom"
python3 "$ROOT/bench/report.py" "$W/times.txt" "$N" "$LOG" > "$ROOT/bench/RESULTS.md"
cat "$ROOT/bench/RESULTS.md"
