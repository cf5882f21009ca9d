#!/usr/bin/env bash
# alertmanager/alertmanager.yml: amtool check-config, the routing tree (amtool config routes test) for several
# label sets, and inhibition on a real Alertmanager on 127.0.0.1 (port chosen by the kernel): a critical alert
# must suppress the matching warning and nothing else.
source "$(dirname "$0")/lib.sh"
need amtool prometheus-alertmanager
need prometheus-alertmanager prometheus-alertmanager
need curl curl
need jq jq
CONFIG="$ROOT/alertmanager/alertmanager.yml"

out=$(amtool check-config "$CONFIG" 2>&1) && pass "amtool check-config" || fail "amtool check-config: $out"
grep -q "2 inhibit rules" <<<"$out" || fail "expected 2 inhibit rules in: $out"

# --- Routing tree -----------------------------------------------------------------------------------------------
route() {  # route EXPECTED LABEL=VALUE...
  local want=$1; shift
  local got
  got=$(amtool config routes test --config.file="$CONFIG" "$@" 2>/dev/null) || true
  if [ "$got" = "$want" ]; then pass "route {$*} -> $want"; else fail "route {$*}: want '$want', got '$got'"; fi
}
# Labels as the compiled rules carry them (rulesvc/examples/generated/bam-rules.yml).
route bam-payment   alertname=PaiementEnPanne bam_rule_id=payment-critical bam_kpi=payment_errors \
                    severity=critical team=payment payment_method=card
route bam-checkout  alertname=TauxDeTransactionsReussies bam_rule_id=transaction-success \
                    bam_kpi=checkout_success_rate severity=warning team=checkout platform=web
route bam-platform  bam_rule_id=availability severity=critical team=platform
route bam-direction bam_rule_id=revenue-drop severity=warning team=direction
route bam-critical  bam_rule_id=x severity=critical team=someone-else   # unknown team: severity's receiver
route bam-warning   bam_rule_id=x severity=warning
route bam-rulesvc   bam_rule_id=x severity=info team=payment            # other severities: BAM catch-all
route null          alertname=NodeDown severity=critical team=payment   # not a BAM alert
route null          alertname=Watchdog
# Every team of the catalog has its own receiver (a new team must be added to the tree).
for team in $("$PY" - "$ROOT/rulesvc/examples/catalog.yml" <<'PYEOF'
import sys, yaml
cat = yaml.safe_load(open(sys.argv[1]))
print(" ".join(sorted({(r.get("labels") or {}).get("team") for r in cat.get("rules", [])} - {None})))
PYEOF
); do
  route "bam-$team" bam_rule_id=r severity=critical team="$team"
  route "bam-$team" bam_rule_id=r severity=warning team="$team"
done
# The webhook: bam-rulesvc's receiver, resolved alerts too, bearer token from a file.
"$PY" - "$CONFIG" <<'PYEOF' && pass "every bam-* receiver is rulesvc's webhook with send_resolved and a bearer token file" || fail "receivers"
import sys, yaml
cfg = yaml.safe_load(open(sys.argv[1]))
bam = [r for r in cfg["receivers"] if r["name"].startswith("bam-")]
assert len(bam) >= 3, bam
for r in bam:
    (w,) = r["webhook_configs"]
    assert w["url"] == "http://rulesvc:9781/alertmanager/webhook", w
    assert w["send_resolved"] is True, w
    a = w["http_config"]["authorization"]
    assert a.get("type", "Bearer") == "Bearer" and a["credentials_file"], a
    assert "credentials" not in a, "no inline secret"
PYEOF

# --- Inhibition on a real Alertmanager --------------------------------------------------------------------------
WORK=$(mktemp -d)
AM_PID=""
cleanup() { [ -n "$AM_PID" ] && kill "$AM_PID" 2>/dev/null && wait "$AM_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$WORK/secrets" "$WORK/data"
echo "test-token" >"$WORK/secrets/rulesvc-token"
# Same file, but notifications go to a closed local port instead of the host name `rulesvc`.
sed 's#http://rulesvc:9781/#http://127.0.0.1:1/#' "$CONFIG" >"$WORK/alertmanager.yml"
for attempt in 1 2 3 4 5; do
  PORT=$(free_port)
  prometheus-alertmanager --config.file="$WORK/alertmanager.yml" --storage.path="$WORK/data" \
    --web.listen-address="127.0.0.1:$PORT" --cluster.listen-address= >"$WORK/am.log" 2>&1 &
  AM_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$PORT/-/ready" >/dev/null 2>&1 && break
    kill -0 "$AM_PID" 2>/dev/null || break
    sleep 0.1
  done
  if curl -fsS "http://127.0.0.1:$PORT/-/ready" >/dev/null 2>&1; then break; fi
  kill "$AM_PID" 2>/dev/null; wait "$AM_PID" 2>/dev/null || true; AM_PID=""
done
if [ -z "$AM_PID" ]; then cat "$WORK/am.log" >&2; fail "Alertmanager did not start"; finish; fi
AM="http://127.0.0.1:$PORT"
pass "Alertmanager ready on $AM"

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
alert() {  # alert NAME key=value... -> one JSON alert
  local name=$1; shift
  local labels="{\"alertname\":\"$name\""
  for kv in "$@"; do labels+=",\"${kv%%=*}\":\"${kv#*=}\""; done
  echo "{\"labels\":$labels},\"startsAt\":\"$now\"}"
}
payload="[
 $(alert TxCrit  id=crit_web      bam_rule_id=transaction-success bam_kpi=checkout_success_rate severity=critical team=checkout platform=web),
 $(alert TxWarn  id=warn_web      bam_rule_id=transaction-success bam_kpi=checkout_success_rate severity=warning  team=checkout platform=web),
 $(alert TxWarn  id=warn_mobile   bam_rule_id=transaction-success bam_kpi=checkout_success_rate severity=warning  team=checkout platform=mobile),
 $(alert ConvCrit id=conv_mobile  bam_rule_id=conversion-critical bam_kpi=checkout_success_rate severity=critical team=checkout platform=ios),
 $(alert LatWarn id=lat_warn      bam_rule_id=api-latency bam_kpi=api_latency_avg severity=warning team=platform),
 $(alert PayCrit id=pay_crit      bam_rule_id=payment-critical bam_kpi=payment_errors severity=critical team=payment payment_method=card),
 $(alert PayWarn id=pay_warn      bam_rule_id=payment-errors bam_kpi=payment_errors severity=warning team=payment),
 $(alert NodeCrit id=node_crit    severity=critical),
 $(alert NodeWarn id=node_warn    severity=warning)
]"
curl -fsS -X POST -H 'Content-Type: application/json' --data "$payload" "$AM/api/v2/alerts" >/dev/null \
  || fail "POST /api/v2/alerts"

# Expected state per alert id: suppressed (inhibited) or active.
declare -A WANT=(
  [crit_web]=active        # a critical is never inhibited by these rules
  [warn_web]=suppressed    # same rule, same platform as crit_web
  [warn_mobile]=active     # same rule, other platform
  [conv_mobile]=active
  [lat_warn]=active        # no critical for that KPI
  [pay_crit]=active
  [pay_warn]=suppressed    # other rule, same KPI, neither has a platform: the KPI-level rule applies
  [node_crit]=active
  [node_warn]=active       # non-BAM alerts are never inhibited by BAM rules
)
state=""
for _ in $(seq 1 50); do
  state=$(curl -fsS "$AM/api/v2/alerts" | jq -r '.[] | "\(.labels.id) \(.status.state)"' | sort)
  [ "$(wc -l <<<"$state")" -eq ${#WANT[@]} ] && grep -q "warn_web suppressed" <<<"$state" && break
  sleep 0.2
done
for id in "${!WANT[@]}"; do
  got=$(awk -v id="$id" '$1 == id {print $2}' <<<"$state")
  if [ "$got" = "${WANT[$id]}" ]; then pass "inhibition: $id is $got"; else fail "inhibition: $id is '$got', want ${WANT[$id]}"; fi
done
finish
