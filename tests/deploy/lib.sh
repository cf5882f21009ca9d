# Shared helpers of the deploy checks (sourced). Every missing tool is a failure, never a skip.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FAILURES=0
fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { echo "ok: $*"; }
need() {  # need TOOL PACKAGE: the tool must be on PATH (scripts/install-deps.sh installs PACKAGE)
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "FAIL: '$1' is not installed (Debian package: $2; scripts/install-deps.sh installs it)" >&2
    exit 1
  fi
}
# Debian's python3 with Debian's modules (python3-yaml): not whatever python3 comes first on PATH.
PY=/usr/bin/python3
need_py_module() {  # need_py_module MODULE PACKAGE
  need "$PY" python3
  if ! "$PY" -c "import $1" 2>/dev/null; then
    echo "FAIL: Python module '$1' is missing for $PY (Debian package: $2)" >&2
    exit 1
  fi
}
free_port() {  # a port the kernel picks on 127.0.0.1 (closed again at once; callers retry on a clash)
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
finish() {
  if [ "$FAILURES" -ne 0 ]; then echo "$FAILURES check(s) failed" >&2; exit 1; fi
  echo "all checks passed"
}
