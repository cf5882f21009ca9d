#!/usr/bin/env bash
# deploy/systemd/*.service: `systemd-analyze verify` (directives, dependencies, executables) and
# `systemd-analyze security --offline` (hardening score). verify requires the ExecStart programs to exist, so the
# units are checked from a copy whose /usr/local/bin/ is rewritten to the build's bin directory (argument 1);
# nothing else in them changes.
source "$(dirname "$0")/lib.sh"
need systemd-analyze systemd
BIN=$(cd "${1:?usage: systemd_test.sh BUILD_BIN_DIR}" && pwd)
for p in bam-exporter bam-rulesvc; do [ -x "$BIN/$p" ] || { fail "$BIN/$p is not built"; finish; }; done
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
for unit in "$ROOT"/deploy/systemd/*.service; do
  name=$(basename "$unit")
  grep -q '^ExecStart=/usr/local/bin/' "$unit" || fail "$name: ExecStart is not /usr/local/bin/..."
  sed "s#/usr/local/bin/#$BIN/#g" "$unit" >"$WORK/$name"
  if out=$(systemd-analyze verify "$WORK/$name" 2>&1) && [ -z "$out" ]; then pass "systemd-analyze verify $name"
  else fail "systemd-analyze verify $name: $out"; fi
  # Exposure 0 (locked down) .. 10 (unsafe); the threshold is in tenths.
  if out=$(systemd-analyze security --offline=yes --threshold=20 "$WORK/$name" 2>&1); then
    pass "$name: $(grep -o 'Overall exposure level.*' <<<"$out")"
  else fail "$name: exposure above 2.0: $(tail -1 <<<"$out")"; fi
  for directive in 'ProtectSystem=strict' 'NoNewPrivileges=yes' 'DynamicUser=yes' 'ReadWritePaths=' 'StateDirectory='; do
    grep -q "^$directive" "$unit" || fail "$name: missing $directive"
  done
done
grep -q '^ExecReload=/bin/kill -HUP \$MAINPID' "$ROOT/deploy/systemd/bam-exporter.service" \
  && pass "bam-exporter.service reloads with SIGHUP" || fail "bam-exporter.service: no SIGHUP ExecReload"
grep -q '^StateDirectory=bam-rulesvc$' "$ROOT/deploy/systemd/bam-rulesvc.service" \
  && pass "bam-rulesvc.service: StateDirectory=bam-rulesvc" || fail "bam-rulesvc.service: StateDirectory"
finish
