#!/usr/bin/env bash
# prometheus/: promtool check config (and every rule file it loads: a glob matching nothing would be accepted
# silently, so the count is asserted), promtool check rules, promtool test rules for the extra recording rules.
source "$(dirname "$0")/lib.sh"
need promtool prometheus
cd "$ROOT/prometheus"
if out=$(promtool check config prometheus.yml 2>&1); then pass "promtool check config"; else fail "promtool check config: $out"; fi
nrules=$(ls rules/*.yml | wc -l)
grep -q "SUCCESS: $((nrules + 1)) rule files found" <<<"$out" \
  && pass "rule_files load the generated rules and rules/*.yml ($((nrules + 1)) files)" \
  || fail "rule_files: expected $((nrules + 1)) files: $out"
grep -q "rulesvc/examples/generated/bam-rules.yml" <<<"$out" || fail "the generated rules are not loaded"
for f in rules/*.yml; do
  if out=$(promtool check rules "$f" 2>&1); then pass "promtool check rules $f"; else fail "promtool check rules $f: $out"; fi
done
if out=$(promtool test rules tests/*.yml 2>&1); then pass "promtool test rules"; else fail "promtool test rules: $out"; fi
# Scrape targets: the exporter, the service and Prometheus itself, every 15 s; alerts to Alertmanager.
"$PY" - prometheus.yml <<'PYEOF' && pass "scrape jobs, intervals and alerting" || fail "prometheus.yml content"
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
assert c["global"]["scrape_interval"] == "15s" and c["global"]["evaluation_interval"] == "15s", c["global"]
jobs = {j["job_name"]: j for j in c["scrape_configs"]}
for name, port in [("bam-exporter", "9780"), ("bam-rulesvc", "9781"), ("prometheus", "9090")]:
    targets = [t for sc in jobs[name]["static_configs"] for t in sc["targets"]]
    assert any(t.endswith(":" + port) for t in targets), (name, targets)
assert jobs["bam-rulesvc"].get("metrics_path", "/metrics") == "/metrics"
assert c["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"], "no Alertmanager"
PYEOF
finish
