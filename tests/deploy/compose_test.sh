#!/usr/bin/env bash
# deploy/docker-compose.yml and deploy/docker/: `docker-compose config` (Compose v1 validates the file against
# the Compose schema: unknown keys, wrong types, undeclared volumes), a negative control proving that validation
# is on, and structural checks of what Compose does not check: every bind-mounted file exists, published ports
# are on 127.0.0.1, configuration mounts are read-only, every service has a healthcheck; the Dockerfiles
# (multi-stage, non-root, EXPOSE, HEALTHCHECK, the TLS shim beside the binary, every runtime library the built
# binary needs provided by the runtime stage's packages). No Docker engine runs here: nothing is built or started.
# Argument 1: the build's bin directory (for the binaries' shared-library needs).
source "$(dirname "$0")/lib.sh"
need docker-compose docker-compose
need_py_module yaml python3-yaml
need dpkg-query dpkg
BIN=${1:?usage: compose_test.sh BUILD_BIN_DIR}
COMPOSE="$ROOT/deploy/docker-compose.yml"
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT

# Compose needs the secret files to exist only at `up`; `config` resolves paths without reading them.
if out=$(docker-compose -f "$COMPOSE" config -q 2>&1); then pass "docker-compose config"; else fail "docker-compose config: $out"; fi
# Negative control: the same file with an unknown service key must be refused.
sed 's/^    image: prom\/prometheus:/    imagee: oops\n    image: prom\/prometheus:/' "$COMPOSE" >"$WORK/docker-compose.yml"
cp -r "$ROOT/deploy/docker" "$WORK/docker"
if docker-compose -f "$WORK/docker-compose.yml" config -q >/dev/null 2>&1; then
  fail "docker-compose accepted an unknown key: schema validation is not effective"
else pass "docker-compose refuses an unknown key (negative control)"; fi

"$PY" - "$COMPOSE" <<'PYEOF' && pass "compose structure" || fail "compose structure"
import os, sys, yaml
path = sys.argv[1]; base = os.path.dirname(path)
c = yaml.safe_load(open(path))
errors = []
services = c["services"]
for want in ["prometheus", "alertmanager", "grafana", "bam-exporter", "bam-rulesvc"]:
    if want not in services: errors.append(f"service {want} missing")
declared = set(c.get("volumes") or {})
for name, s in services.items():
    if "healthcheck" not in s: errors.append(f"{name}: no healthcheck")
    for p in s.get("ports", []):
        if not str(p).startswith("127.0.0.1:"): errors.append(f"{name}: port {p} not bound to 127.0.0.1")
    for v in s.get("volumes", []):
        src, dst, *mode = v.split(":")
        if src.startswith((".", "/")):
            full = os.path.normpath(os.path.join(base, src))
            if "/secrets/" in full:
                if not os.path.isdir(os.path.dirname(full)): errors.append(f"{name}: secrets dir {src} missing")
            elif not os.path.exists(full) and "/grafana/" not in full:
                errors.append(f"{name}: bind source {src} does not exist")
            if mode != ["ro"]: errors.append(f"{name}: bind mount {v} is not read-only")
        elif src not in declared: errors.append(f"{name}: volume {src} not declared")
    for dep, cond in (s.get("depends_on") or {}).items():
        if dep not in services: errors.append(f"{name}: depends on unknown {dep}")
# Prometheus reads the compiled rules from the volume bam-rulesvc writes (rules_out).
rulesvc = yaml.safe_load(open(os.path.join(base, "docker/rulesvc.yml")))
rules_dir = os.path.dirname(rulesvc["rules_out"])
if f"bam-rules:{rules_dir}" not in services["bam-rulesvc"]["volumes"]: errors.append("rules_out is not on bam-rules")
if "bam-rules:/etc/bam/rulesvc/examples/generated:ro" not in services["prometheus"]["volumes"]:
    errors.append("prometheus does not read bam-rules where prometheus.yml's rule_files point")
if "--web.enable-lifecycle" not in services["prometheus"]["command"]: errors.append("prometheus without lifecycle")
if "rulesvc" not in services["bam-rulesvc"]["networks"]["default"]["aliases"]: errors.append("no rulesvc alias")
print("\n".join(errors)); sys.exit(1 if errors else 0)
PYEOF
if [ -d "$ROOT/grafana/provisioning" ] && [ -d "$ROOT/grafana/dashboards" ]; then pass "grafana/provisioning and grafana/dashboards exist"
else fail "grafana/provisioning or grafana/dashboards missing (mounted by the grafana service)"; fi

# Dockerfiles.
for prog in exporter rulesvc; do
  df="$ROOT/deploy/docker/Dockerfile.$prog"
  for pattern in '^FROM debian:bookworm AS build' '^FROM debian:bookworm-slim$' '^USER bam$' "^EXPOSE 978" \
                 '^HEALTHCHECK .*' '-/healthy' "--target bam-$prog" "^COPY --from=build /build/bin/bam-$prog /usr/local/bin/bam-$prog"; do
    grep -qe "$pattern" "$df" || fail "Dockerfile.$prog: no line matching '$pattern'"
  done
  # Every build dependency of scripts/install-deps.sh that is a -dev package is installed in the build stage.
  for pkg in $(grep -oE '[a-z0-9.+-]+-dev\b' "$ROOT/scripts/install-deps.sh" | grep -v libclang | sort -u); do
    grep -qw -- "$pkg" "$df" || fail "Dockerfile.$prog: build stage lacks $pkg"
  done
  # Every shared library of the built binary comes from a package of the runtime stage (or its dependencies).
  "$PY" - "$df" "$BIN/bam-$prog" <<'PYEOF' && pass "Dockerfile.$prog: runtime packages cover the binary's libraries" || fail "Dockerfile.$prog runtime libraries"
import re, subprocess, sys
df, binary = sys.argv[1], sys.argv[2]
text = open(df).read().replace("\\\n", " ")
runtime = text.split("FROM debian:bookworm-slim", 1)[1]
pkgs = set(re.search(r"apt-get install -y --no-install-recommends(.*?)&&", runtime, re.S).group(1).split())
def deps(p):
    out = subprocess.run(["dpkg-query", "-W", "-f=${Depends},${Pre-Depends}", p], capture_output=True, text=True).stdout
    return {re.split(r"[ (:]", alt.strip())[0] for d in out.split(",") if d.strip() for alt in d.split("|")[:1]}
closure, todo = set(), list(pkgs | {"libc6", "libstdc++6", "libgcc-s1"})   # the base image has libc/libstdc++
while todo:
    p = todo.pop()
    if p in closure or not p: continue
    closure.add(p); todo.extend(deps(p))
ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
missing = []
# A sanitizer build (scripts/test.sh runs these tests under ASan/UBSan too) links the sanitizer
# runtimes; the images build without sanitizers, so those are not the runtime stage's business.
SANITIZERS = ("libasan.so", "libubsan.so", "liblsan.so", "libtsan.so")
for lib in re.findall(r"=> (\S+)", ldd):
    if any(s in lib for s in SANITIZERS): continue
    real = subprocess.run(["readlink", "-f", lib], capture_output=True, text=True).stdout.strip()
    owner = ""
    for cand in (lib, real, real.replace("/usr/lib/", "/lib/", 1), lib.replace("/lib/", "/usr/lib/", 1)):
        owner = subprocess.run(["dpkg-query", "-S", cand], capture_output=True, text=True).stdout.split(":")[0]
        if owner: break   # usrmerge: dpkg knows /lib/... or /usr/lib/..., whichever the package shipped
    if not owner: missing.append(f"{lib} (no package owns it)")
    elif owner not in closure: missing.append(f"{lib} from {owner}")
print("\n".join(missing)); sys.exit(1 if missing else 0)
PYEOF
done
grep -q '^COPY --from=build /build/lib/libbam-ssl-compat.so /usr/local/lib/libbam-ssl-compat.so' \
  "$ROOT/deploy/docker/Dockerfile.rulesvc" && pass "Dockerfile.rulesvc installs the TLS shim in <bin>/../lib" \
  || fail "Dockerfile.rulesvc: libbam-ssl-compat.so not at /usr/local/lib"
finish
