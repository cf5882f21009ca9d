#!/usr/bin/env bash
# deploy/kubernetes/: `kubectl kustomize` renders it offline (kustomization, files, generators, images); then
# k8s_check.py checks structure and cross-references (with a self-test proving each check fires), promtool checks
# the PrometheusRule's groups, and the committed PrometheusRule must equal what
# `bam-rulesvc compile --format=operator` makes from rulesvc/examples/catalog.yml today (argument 1: bam-rulesvc).
# Not checked (no cluster, no OpenAPI schemas offline): unknown fields and types of the Kubernetes API.
source "$(dirname "$0")/lib.sh"
need kubectl "kubectl (installed on this machine kind; Debian: kubernetes-client)"
need promtool prometheus
need_py_module yaml python3-yaml
RULESVC=${1:?usage: kubernetes_test.sh PATH/TO/bam-rulesvc}
K8S="$ROOT/deploy/kubernetes"
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT

if kubectl kustomize "$K8S" >"$WORK/rendered.yml" 2>"$WORK/err"; then pass "kubectl kustomize deploy/kubernetes"
else fail "kubectl kustomize: $(cat "$WORK/err")"; finish; fi
if out=$("$PY" "$ROOT/tests/deploy/k8s_check.py" "$WORK/rendered.yml" "$K8S/secret.example.yml" --self-test 2>&1); then
  pass "manifest structure: $out"
else fail "manifest structure: $out"; fi
grep -q 'image: registry.example.com/bam/bam-exporter:' "$WORK/rendered.yml" || fail "images: not rewritten by kustomize"

# The PrometheusRule: its groups are valid Prometheus rules, and it is not stale.
"$PY" -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); yaml.safe_dump(d["spec"], open(sys.argv[2], "w"))' \
  "$K8S/prometheusrule.yml" "$WORK/groups.yml"
if out=$(promtool check rules "$WORK/groups.yml" 2>&1); then pass "promtool check rules on the PrometheusRule's groups"
else fail "promtool check rules (PrometheusRule): $out"; fi
if "$RULESVC" compile --catalog="$ROOT/rulesvc/examples/catalog.yml" --out="$WORK/op" --format=operator >/dev/null 2>&1 \
   && cmp -s "$WORK/op/bam-rules.yml" "$K8S/prometheusrule.yml"; then
  pass "deploy/kubernetes/prometheusrule.yml is what bam-rulesvc compile --format=operator makes"
else
  fail "deploy/kubernetes/prometheusrule.yml is stale: bam-rulesvc compile --catalog=rulesvc/examples/catalog.yml --out=DIR --format=operator; cp DIR/bam-rules.yml deploy/kubernetes/prometheusrule.yml"
fi
finish
