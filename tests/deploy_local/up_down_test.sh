#!/usr/bin/env bash
# The README's main command and its counterpart: deploy/local/up brings the stack up from a fresh
# state directory (1 day of history to stay quick) and prints exactly the four `NAME URL` lines;
# every service answers /-/ready, Prometheus scrapes the exporter, the service and itself, loads
# the generated rules and has the history; deploy/local/down stops every process and frees the
# ports. Fails loudly on any missing tool (it never skips).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export BAM_LOCAL_DIR="$(mktemp -d /tmp/bam-local-test.XXXXXX)"
export BAM_DEMO_DAYS=1 BAM_DEMO_RATE=20 BAM_EVAL_INTERVAL=2s
fail() { echo "FAIL: $*" >&2; "$ROOT/deploy/local/down" || true; exit 1; }

out="$("$ROOT/deploy/local/up")" || fail "deploy/local/up exited $?"
echo "$out"
[ "$(echo "$out" | wc -l)" -eq 4 ] || fail "want 4 lines, got: $out"
for name in prometheus alertmanager exporter rulesvc; do
  url="$(echo "$out" | awk -v n="$name" '$1 == n {print $2}')"
  [[ "$url" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fail "$name: no URL line (got: $out)"
  curl -sf -o /dev/null "$url/-/ready" || fail "$name not ready at $url"
  declare "URL_${name}=$url"
done
pids=$(cat "$BAM_LOCAL_DIR"/pids/*.pid)

# Prometheus: three targets up (after a scrape or two), the generated rules loaded, the history in.
for _ in $(seq 1 50); do
  up=$(curl -s "$URL_prometheus/api/v1/targets" | python3 -c \
    'import json,sys; print(sum(t["health"] == "up" for t in json.load(sys.stdin)["data"]["activeTargets"]))')
  [ "$up" -eq 3 ] && break
  sleep 0.2
done
[ "$up" -eq 3 ] || fail "want 3 targets up, got $up"
curl -s "$URL_prometheus/api/v1/rules" | grep -q '"bam:checkout_success_rate:ratio5m"' \
  || fail "generated rules not loaded"
history=$(curl -s -G "$URL_prometheus/api/v1/query" \
  --data-urlencode 'query=sum(increase(bam_orders_created_total[12h] offset 1h))' |
  python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)')
python3 -c "import sys; sys.exit(0 if float('$history') > 10 else 1)" \
  || fail "no order history in Prometheus (got $history)"
# The service: the catalog's rules, and the receiver wants Alertmanager's token.
curl -sf "$URL_rulesvc/bam/rules" | grep -q '"payment-failures\|"id"' || fail "rulesvc lists no rules"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data '{}' "$URL_rulesvc/alertmanager/webhook")
[ "$code" = 401 ] || fail "webhook without Alertmanager's token answered $code, want 401"
# A second up refuses to start over a running stack.
if "$ROOT/deploy/local/up" > /dev/null 2>&1; then fail "a second up started"; fi

"$ROOT/deploy/local/down" || fail "deploy/local/down exited $?"
for pid in $pids; do
  if kill -0 "$pid" 2> /dev/null; then fail "process $pid still running after down"; fi
done
for name in prometheus alertmanager exporter rulesvc; do
  var="URL_${name}"
  if curl -s -o /dev/null --max-time 2 "${!var}/-/ready"; then fail "$name still answers"; fi
done
[ ! -e "$BAM_LOCAL_DIR" ] || fail "state directory left behind"
"$ROOT/deploy/local/down" || fail "a second down failed"
echo "PASS: up printed 4 URLs, stack ready with history and rules; down stopped all"
