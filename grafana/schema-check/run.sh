#!/usr/bin/env bash
# Type-checks Grafana dashboard JSON files against Grafana's own schema package (@grafana/schema,
# its `Dashboard` type) with the TypeScript compiler: a field of the wrong type, an unknown or
# misspelt field, or a bad enum value fails. Exit status 0 when every file passes, 1 on a type
# error, 2 when the tools are missing (never a silent skip).
#
#   grafana/schema-check/run.sh                      # grafana/dashboards/*.json
#   grafana/schema-check/run.sh a.json b.json        # given files
#
# The pinned packages (package.json + package-lock.json) are installed with `npm ci` into a cache
# directory outside the tree, reused while the lockfile does not change:
#   $BAM_SCHEMA_CHECK_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/bam-grafana-schema-check
# Needs node and npm (Debian: nodejs npm) and, the first time, the npm registry.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${BAM_SCHEMA_CHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bam-grafana-schema-check}"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "schema-check: FAILED: '$tool' is not installed (Debian packages: nodejs npm)" >&2
    exit 2
  fi
done

if [ "$#" -eq 0 ]; then
  set -- "$here"/../dashboards/*.json
fi

mkdir -p "$cache"
lock_id="$(sha256sum "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-16)"
if [ ! -f "$cache/.installed-$lock_id" ] || [ ! -x "$cache/node_modules/.bin/tsc" ]; then
  rm -rf "$cache/node_modules" "$cache"/.installed-*
  cp "$here/package.json" "$here/package-lock.json" "$cache/"
  if ! (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error >"$cache/npm.log" 2>&1); then
    echo "schema-check: FAILED: npm ci in $cache did not succeed:" >&2
    cat "$cache/npm.log" >&2
    exit 2
  fi
  touch "$cache/.installed-$lock_id"
fi

work="$(mktemp -d "$cache/run.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp "$here/json.ts" "$here/tsconfig.json" "$work/"
ln -s "$cache/node_modules" "$work/node_modules"
mkdir "$work/gen"
i=0
for f in "$@"; do
  i=$((i + 1))
  name="$(basename "$f" .json | tr -c 'A-Za-z0-9_\n' '_')"
  {
    echo "// $f"
    echo "import type { Dashboard } from '@grafana/schema';"
    echo "import type { Json } from '../json.js';"
    printf 'export const dashboard_%s: Json<Dashboard> = ' "$i"
    cat "$f"
    echo ";"
  } >"$work/gen/$i-$name.ts"
done

if (cd "$work" && "$cache/node_modules/.bin/tsc" -p tsconfig.json --pretty false) >"$work/tsc.log" 2>&1; then
  echo "schema-check: OK: $# dashboard(s) match @grafana/schema $(node -p "require('$cache/node_modules/@grafana/schema/package.json').version")"
else
  # Map generated file names back to the dashboards.
  sed -e "s|^gen/|$work/gen/|" "$work/tsc.log" >&2
  for g in "$work"/gen/*.ts; do echo "  $(basename "$g") = $(head -1 "$g" | cut -c4-)" >&2; done
  echo "schema-check: FAILED: type errors above" >&2
  exit 1
fi
