#!/usr/bin/env bash
# The programs' configuration files of deploy/ are valid for the programs themselves:
#   - deploy/docker/exporter.yml (= deploy/kubernetes/config/exporter.yml): its metrics are
#     exporter/examples/ecommerce.yml's verbatim, and `bam-exporter --check-config` accepts it;
#   - deploy/docker/rulesvc.yml and deploy/kubernetes/config/rulesvc.yml: `bam-rulesvc serve` starts with each
#     (paths moved to a scratch directory, port chosen by the kernel) and answers /-/healthy;
#   - deploy/kubernetes/config/catalog.yml is rulesvc/examples/catalog.yml.
# Argument 1: the build's bin directory.
source "$(dirname "$0")/lib.sh"
need_py_module yaml python3-yaml
need curl curl
BIN=${1:?usage: containers_test.sh BUILD_BIN_DIR}
WORK=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT

cmp -s "$ROOT/deploy/docker/exporter.yml" "$ROOT/deploy/kubernetes/config/exporter.yml" \
  && pass "kubernetes/config/exporter.yml = docker/exporter.yml" || fail "deploy/kubernetes/config/exporter.yml differs from deploy/docker/exporter.yml"
cmp -s "$ROOT/rulesvc/examples/catalog.yml" "$ROOT/deploy/kubernetes/config/catalog.yml" \
  && pass "kubernetes/config/catalog.yml = rulesvc/examples/catalog.yml" || fail "deploy/kubernetes/config/catalog.yml is stale: cp rulesvc/examples/catalog.yml deploy/kubernetes/config/"
if diff <(sed -n '/^metrics:/,$p' "$ROOT/exporter/examples/ecommerce.yml") <(sed -n '/^metrics:/,$p' "$ROOT/deploy/docker/exporter.yml") >"$WORK/diff"; then
  pass "docker/exporter.yml's metrics = exporter/examples/ecommerce.yml's"
else fail "deploy/docker/exporter.yml's metrics differ from exporter/examples/ecommerce.yml (regenerate: docs/deploy.md): $(head -20 "$WORK/diff")"; fi
if out=$("$BIN/bam-exporter" --config.file="$ROOT/deploy/docker/exporter.yml" --check-config 2>&1); then pass "bam-exporter --check-config deploy/docker/exporter.yml"
else fail "bam-exporter --check-config: $out"; fi

for cfg in "$ROOT/deploy/docker/rulesvc.yml" "$ROOT/deploy/kubernetes/config/rulesvc.yml"; do
  rel=${cfg#"$ROOT"/}
  d="$WORK/$(echo "$rel" | tr / _)"; mkdir -p "$d/secrets" "$d/state" "$d/rules"
  echo token >"$d/secrets/rulesvc-token"; echo jwt-key-0123456789abcdef0123456789 >"$d/secrets/jwt-secret"
  cp "$ROOT/rulesvc/examples/catalog.yml" "$d/catalog.yml"
  sed -e "s#/etc/bam/secrets/#$d/secrets/#g" -e "s#/var/lib/bam-rulesvc#$d/state#" -e "s#/var/lib/bam-rules/#$d/rules/#" \
      -e 's#url: "http://[a-z.-]*:9090"#url: "http://127.0.0.1:1"#' "$cfg" >"$d/rulesvc.yml"
  grep -q "$d/secrets/rulesvc-token" "$d/rulesvc.yml" || fail "$rel: receiver.bearer_token_file is not under /etc/bam/secrets"
  "$BIN/bam-rulesvc" serve --config.file="$d/rulesvc.yml" --web.listen-address=127.0.0.1:0 >"$d/log" 2>&1 &
  PID=$!
  url=""
  for _ in $(seq 1 100); do
    url=$(grep -o 'listening on http://[0-9.:]*' "$d/log" | head -1 | sed 's/listening on //') || true
    [ -n "$url" ] && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -n "$url" ] && curl -fsS "$url/-/healthy" >/dev/null; then
    pass "bam-rulesvc serve starts with $rel"
    # Without a token the webhook is refused: the bearer token file is in force.
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data '{}' "$url/alertmanager/webhook")
    [ "$code" = 401 ] && pass "$rel: webhook requires the bearer token" || fail "$rel: webhook without token answered $code"
  else
    fail "bam-rulesvc serve with $rel: $(cat "$d/log")"
  fi
  kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; PID=""
done
finish
