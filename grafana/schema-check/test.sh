#!/usr/bin/env bash
# ctest grafana_schema_check_test: the committed dashboards pass run.sh, and copies with one
# wrong field each fail it (the check is not vacuous). Needs node, npm and jq; fails, never skips,
# when one is missing.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dash="$here/../dashboards"
for tool in node npm jq; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "FAILED: '$tool' is not installed (Debian packages: nodejs npm jq)" >&2
    exit 1
  fi
done

if ! "$here/run.sh" "$dash"/*.json; then
  echo "FAILED: the committed dashboards do not pass the schema check" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
# name | jq program applied to bam-executive.json
while IFS='|' read -r name program; do
  jq "$program" "$dash/bam-executive.json" >"$tmp/$name.json"
  if "$here/run.sh" "$tmp/$name.json" >"$tmp/$name.log" 2>&1; then
    echo "FAILED: a dashboard with $name passed the schema check" >&2
    status=1
  else
    echo "ok: $name is rejected: $(grep -m1 'error TS' "$tmp/$name.log" | sed 's/.*error //')"
  fi
done <<'CASES'
schemaVersion-as-string|.schemaVersion = "39"
editable-as-string|.editable = "false"
gridPos-width-as-string|.panels[1].gridPos.w = "6"
threshold-value-as-string|.panels[1].fieldConfig.defaults.thresholds.steps[1].value = "90"
unknown-thresholds-mode|.panels[1].fieldConfig.defaults.thresholds.mode = "absolut"
misspelt-panel-field|.panels[1].titel = .panels[1].title
targets-not-a-list|.panels[1].targets = .panels[1].targets[0]
variable-bad-type|.templating.list = [{"name": "x", "type": "customm"}]
CASES
exit $status
